"""The overview as a picture: confirmed sessions against the pace, by school and subject, and evaluations done."""
from __future__ import annotations

import io
from contextlib import AbstractContextManager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from program.dashboard import Group, Overview
from program.evaluations import KIND_LABELS, EvaluationKind
from program.i18n import Translator

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Debian's fonts-noto-cjk (the Makefile installs it); any of these families draws Chinese.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC")
CJK_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
             "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
EVEN, BEHIND, DONE, OPEN = "#4472C4", "#ED7D31", "#70AD47", "#D9D9D9"


class ChartUnavailable(RuntimeError):
    """No font that can draw Chinese is installed (Debian: fonts-noto-cjk)."""


@lru_cache(maxsize=1)
def cjk_family() -> str:
    from matplotlib import font_manager

    for path in CJK_FILES:  # matplotlib's font cache may predate the font's installation
        if Path(path).exists():
            font_manager.fontManager.addfont(path)
    installed = {font.name for font in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    raise ChartUnavailable("no CJK font found; install Debian's fonts-noto-cjk")


def _groups(ax: Axes, groups: tuple[Group, ...], overview: Overview, t: Translator, title: str) -> None:
    names = [g.name for g in groups][::-1]
    averages = [g.average for g in groups][::-1]
    colours = [BEHIND if a < overview.pace else EVEN for a in averages]
    bars = ax.barh(names, averages, color=colours, height=0.6)
    for bar, group in zip(bars, groups[::-1], strict=True):
        ax.text(bar.get_width() + 0.1, bar.get_y() + bar.get_height() / 2,
                t("%(average).1f · %(behind)d of %(count)d behind", average=group.average, behind=len(group.behind),
                  count=group.students), va="center", fontsize=8,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1})
    ax.axvline(overview.pace, color=BEHIND, linestyle="--", linewidth=1.2,
               label=t("pace today: %(pace)d", pace=overview.pace))
    ax.axvline(overview.required, color="#555555", linestyle=":", linewidth=1.2,
               label=t("required: %(required)d", required=overview.required))
    ax.set_xlim(0, overview.required * 1.6)
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_xlabel(t("confirmed sessions per student (average)"), fontsize=8)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=7, loc="lower right")
    if not groups:
        ax.text(0.5, 0.5, t("No students yet."), transform=ax.transAxes, ha="center", va="center")


def _evaluations(ax: Axes, overview: Overview, t: Translator) -> None:
    kinds = list(EvaluationKind)
    labels = [t.raw(KIND_LABELS[k]) for k in kinds]
    done = [overview.evaluations.get(k, 0) for k in kinds]
    total = overview.students
    ax.bar(labels, [total] * len(kinds), color=OPEN, width=0.55, label=t("students"))
    ax.bar(labels, done, color=[DONE if k in overview.opened else OPEN for k in kinds], width=0.55,
           label=t("submitted"))
    for index, (kind, count) in enumerate(zip(kinds, done, strict=True)):
        note = t("%(done)d/%(total)d", done=count, total=total) if kind in overview.opened else t("not open yet")
        ax.text(index, max(total, 1) * 1.02, note, ha="center", va="bottom", fontsize=8)
    ax.set_ylim(0, max(total, 1) * 1.2)
    ax.set_title(t("Evaluations submitted per window"), fontsize=11, loc="left")
    ax.tick_params(labelsize=8)


def render_overview(overview: Overview, t: Translator) -> bytes:
    """A PNG of the overview, drawn headless (Agg) with a CJK font; raises ChartUnavailable without one."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    family = cjk_family()
    rows = max(len(overview.by_school), len(overview.by_subject), 3)
    figure = Figure(figsize=(11, 4 + 0.9 * rows), dpi=120, layout="constrained")
    FigureCanvasAgg(figure)
    with _fonts(family):
        grid = figure.add_gridspec(2, 2, height_ratios=[rows, 3])
        _groups(figure.add_subplot(grid[0, 0]), overview.by_school, overview, t, t("By school"))
        _groups(figure.add_subplot(grid[0, 1]), overview.by_subject, overview, t, t("By subject"))
        _evaluations(figure.add_subplot(grid[1, :]), overview, t)
        figure.suptitle(t("英才计划 %(year)d · as of %(day)s · %(students)d students",
                          year=overview.year, day=overview.today.isoformat(), students=overview.students),
                        fontsize=13)
        out = io.BytesIO()
        figure.savefig(out, format="png")
    return out.getvalue()


def _fonts(family: str) -> AbstractContextManager[None]:
    from matplotlib import rc_context

    return rc_context({"font.family": [family, "DejaVu Sans"], "axes.unicode_minus": False})
