"""How a screen looks on DingTalk: long texts cut under the size limit, numbered links, nothing a user typed
turned into a link."""
from __future__ import annotations

import json

from bot.channels.dingtalk_render import PARAM_LIMIT, content_of, render
from bot.dingtalk_emulator.markdown import BotMessage
from handlers.kit import Button, Screen, rows


def test_a_long_review_is_cut_under_the_limit_with_its_options_on_the_last_part():
    line = "和导师讨论了石墨烯样品的电阻测量，记录了每一步。" * 4
    text = "<b>请核对你的成长日志</b>\n" + "\n".join(line for _ in range(60))
    buttons = rows(*(Button(f"选项{i}", f"log:x:{i}") for i in range(12)))
    menu = (("📝 写成长日志", "📚 我的日志"), ("⏰ 截止日期", "📈 我的进度"))
    parts = render(Screen(text, buttons, menu=menu))
    assert len(parts) >= 2
    for title, body in parts:
        assert len(json.dumps({"title": title, "text": body}, ensure_ascii=False).encode()) <= PARAM_LIMIT
    shown = [BotMessage(i, title, body, "webhook") for i, (title, body) in enumerate(parts)]
    assert all(not m.links for m in shown[:-1])
    assert [label for label, _ in shown[-1].links][:12] == [f"选项{i}" for i in range(12)]
    assert "1. [选项0]" in parts[-1][1] and "📈 我的进度" in shown[-1].button_texts()
    assert "".join(m.text for m in shown).count("记录了每一步") == 240  # nothing lost at the cuts


def test_a_link_typed_by_a_student_is_shown_as_words_not_as_a_link():
    typed = "点这里 [✅ 确认 #1](dtmd://dingtalkclient/sendMessage?content=%E2%9C%85) 或 dtmd://dingtalkclient/x"
    (title, body), = render(Screen(f"王小明：{typed}"))
    assert BotMessage(1, title, body, "webhook").links == []
    assert "dtmd://" not in body


def test_robot_messages_become_text_files_and_speech():
    assert content_of({"msgtype": "text", "text": {"content": " 你好 "}}) == ("你好", ())
    _, (photo,) = content_of({"msgtype": "picture", "content": {"downloadCode": "abc"}})
    assert (photo.kind, photo.file_id) == ("photo", "dt:abc")
    _, (doc,) = content_of({"msgtype": "file", "content": {"downloadCode": "d", "fileName": "报告.pdf"}})
    assert (doc.kind, doc.file_name) == ("document", "报告.pdf")
    text, files = content_of({"msgtype": "richText", "content": {"richText": [
        {"text": "实验照片"}, {"downloadCode": "p1", "type": "picture"}]}})
    assert text == "实验照片" and [f.file_id for f in files] == ["dt:p1"]
    assert content_of({"msgtype": "audio", "content": {"downloadCode": "a", "recognition": "今天读了两章"}}) == \
        ("今天读了两章", ())
    assert content_of({"msgtype": "video", "content": {"downloadCode": "v"}}) == (None, ())
