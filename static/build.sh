#!/usr/bin/env bash
# Rebuilds the committed static files from npm packages: GOV.UK Frontend compiled in Arial for a
# council (no GDS Transport, no crown) and vendored htmx. Needs node and npm; `make run` does not,
# because the output is committed. Run from anywhere: `make static` or `bash static/build.sh`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# No lock file is committed: package.json pins the major versions.
npm install --no-package-lock --no-audit --no-fund --ignore-scripts

govuk=node_modules/govuk-frontend/dist/govuk
mkdir -p static/css static/js static/vendor static/assets/images

node_modules/.bin/sass --load-path=node_modules --load-path=static/src \
  --style=compressed --no-source-map static/src/app.scss static/css/app.css

# The ES module that exports initAll. Source map comments are dropped: the maps are not shipped,
# and hashed static storage refuses to collect a file that points at a missing one.
sed -e '/^\/\/# sourceMappingURL=/d' -e 's#//\# sourceMappingURL=[^ ]*$##' \
  "$govuk/govuk-frontend.min.js" > static/js/govuk-frontend.min.js
sed -e 's#//\# sourceMappingURL=[^ ]*$##' node_modules/htmx.org/dist/htmx.min.js > static/vendor/htmx.min.js

{
  echo "Built by static/build.sh from these npm packages (name, version, licence):"
  for pkg in govuk-frontend htmx.org sass; do
    node -p "const p = require('./node_modules/$pkg/package.json'); [p.name, p.version, p.license].join(' ')"
  done
} > static/VERSIONS.txt

# What a council must not ship, and what hashed static storage needs to exist.
fail() { echo "static/build.sh: $*" >&2; exit 1; }
grep -q "GDS Transport" static/css/app.css && fail "the CSS names GDS Transport"
grep -q "@font-face" static/css/app.css && fail "the CSS loads a web font"
grep -qiE "url\([^)]*(crest|crown)" static/css/app.css && fail "the CSS points at the crown"
for url in $(grep -oE 'url\("?[^")]+"?\)' static/css/app.css | sed -E 's/url\("?([^")]+)"?\)/\1/' | grep -v '^data:' | sort -u); do
  [ -f "static/css/$url" ] || fail "the CSS points at static/css/$url, which does not exist"
done

echo "Built static/css/app.css ($(wc -c < static/css/app.css) bytes), static/js/govuk-frontend.min.js, static/vendor/htmx.min.js"
