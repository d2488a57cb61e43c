#!/usr/bin/env bash
# Run after `cmake --install` (scripts/build.sh does, as root): makes `import emorph` work for the
# `python3` found on PATH when that is not Debian's /usr/bin/python3 (e.g. a pyenv interpreter) but has
# the same major.minor, so the module's ABI matches. A .pth file in that interpreter's site-packages
# appends the folders where emorph and Debian's numpy are installed; its own packages keep precedence.
# With another major.minor, prints how to use emorph instead. See docs/python.md.
set -euo pipefail

debian=/usr/bin/python3
pth_name=emorph-debian-dist-packages.pth
other=$(command -v python3 || true)
[ -n "$other" ] && [ -x "$debian" ] || exit 0

# Run from / so that no source folder in the working directory shadows an installed package.
probe() { (cd / && "$1" -c "$2"); }
if ! probe "$debian" 'import emorph' 2>/dev/null; then
  echo "emorph: warning: $debian cannot import the installed emorph module; is EMORPH_PYTHON_INSTALL_DIR" \
       "(CMake cache) on its sys.path? (docs/python.md)" >&2
  exit 0
fi
real_other=$(probe "$other" 'import os, sys; print(os.path.realpath(sys.executable))' 2>/dev/null || true)
real_debian=$(probe "$debian" 'import os, sys; print(os.path.realpath(sys.executable))')
[ -n "$real_other" ] && [ "$real_other" != "$real_debian" ] || exit 0

version() { probe "$1" 'import sys; print("%d.%d" % sys.version_info[:2])'; }
v_other=$(version "$other")
v_debian=$(version "$debian")
if [ "$v_other" != "$v_debian" ]; then
  echo "emorph: note: python3 on PATH ($real_other) is Python $v_other; the emorph module is built for" \
       "Debian's $debian (Python $v_debian). Use $debian, or configure with" \
       "-DPython3_EXECUTABLE=$real_other and install numpy for it (docs/python.md)." >&2
  exit 0
fi

folder_of() { probe "$debian" "import os, $1; print(os.path.dirname(os.path.dirname(os.path.realpath($1.__file__))))"; }
emorph_dir=$(folder_of emorph)
numpy_dir=$(folder_of numpy)
site_dir=$(probe "$other" 'import site; print(site.getsitepackages()[0])')
mkdir -p "$site_dir"
if [ "$numpy_dir" = "$emorph_dir" ]; then
  printf '%s\n' "$emorph_dir" > "$site_dir/$pth_name"
else
  printf '%s\n%s\n' "$emorph_dir" "$numpy_dir" > "$site_dir/$pth_name"
fi
if probe "$other" 'import emorph' 2>/dev/null; then
  echo "emorph: python3 on PATH ($real_other) imports emorph through $site_dir/$pth_name"
else
  echo "emorph: warning: wrote $site_dir/$pth_name but $real_other still cannot import emorph;" \
       "use $debian (docs/python.md)" >&2
fi
