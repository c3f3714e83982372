# Two commands do everything on a fresh machine (see README):
#   make run    install what is needed, then run the bot (the local sandbox when BOT_TOKEN is unset)
#   make test   install what is needed, then run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install lint locales bench clean chromium nginx fonts

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed locales

# Compiles the gettext catalogs (.po → .mo); the bot also does this itself when a .mo is missing.
locales: $(BIN)/.installed
	$(BIN)/pybabel compile --statistics -d locales -D messages

run: install fonts
	$(BIN)/yingcai run

# The overview chart and the printable QR sheets draw Chinese with Debian's Noto CJK fonts.
fonts:
	@if [ ! -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1)) \
	      || echo "fonts-noto-cjk could not be installed: charts and QR sheets will say so, and their tests skip"; \
	  else echo "fonts-noto-cjk is missing and cannot be installed here: charts and QR sheets will say so"; fi; \
	fi

# Chromium for the browser test comes from Debian, never from a browser download (fonts: CJK and emoji
# so the screenshots show the Chinese text).
BROWSER_PACKAGES := chromium fonts-noto-cjk fonts-noto-color-emoji

chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null 2>&1)) \
	      || echo "chromium could not be installed: the browser test will be skipped"; \
	  else echo "chromium is missing and cannot be installed here: the browser test will be skipped"; fi; \
	fi

# Debian's nginx-light (about 1 MB) lets tests/deploy run `nginx -t` on deploy/nginx/yingcai.conf.
nginx:
	@if [ ! -x /usr/sbin/nginx ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get install -y -qq nginx-light >/dev/null 2>&1 || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq nginx-light >/dev/null 2>&1)) \
	      || echo "nginx could not be installed: the nginx site test will be skipped"; \
	  else echo "nginx is missing and cannot be installed here: the nginx site test will be skipped"; fi; \
	fi

# Lint and types first, so CI fails on them (configuration in pyproject.toml).
lint: install
	$(BIN)/ruff check . && $(BIN)/mypy

# One worker per core, whole files per worker (module-scoped worlds stay whole); each worker has its own databases.
test: install lint fonts chromium nginx
	$(BIN)/python -m pytest -q -rs -n auto --dist loadfile

# Every speed benchmark (bench/run.py); `make bench ARGS=--quick` is the smoke test CI runs (tests/meta).
bench: install
	$(BIN)/python bench/run.py $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
