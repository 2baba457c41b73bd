// Package browsertest holds what browser tests share: finding the Chromium
// binary they drive (scripts/test-deps.sh installs Debian's chromium).
package browsertest
