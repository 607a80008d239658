#!/usr/bin/env bash
# ship_release: `scripts/release --arch x86_64 --no-build --no-site` on the binaries already
# built (the MkDocs site is left out: ship_mkdocs builds it; 5-10 s a run), twice,
# into temp folders; then the bundle is checked as a receiver would, without trusting the
# script's own checks: one top folder, only files and folders, owner 0/0, every file listed in
# SHA256SUMS exactly once, the Ed25519 signature verifies with openssl against the published
# key (and fails for a flipped byte or another key), a flipped byte in a file fails the sums,
# the two runs gave the same bytes. Bad arguments exit 2. When ansible-playbook is installed,
# deploy/ansible/site.yml's preflight play accepts the bundle and refuses a tampered one
# whose sums were recomputed (only the signature can catch it).
# Exit 77 (skip) without the built binaries or openssl.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${CSS_BUILD_DIR:-$root/build}
skip() { echo "SKIPPED: $*"; [ "${CI:-}" = true ] && exit 1; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
for b in citysafe citysafe-server citysafe-edge; do [ -x "$build/bin/$b" ] || skip "$build/bin/$b is not built"; done
command -v openssl >/dev/null || skip "openssl is not installed (base group)"
[ "$(uname -m)" = x86_64 ] || skip "the x86_64 bundle is built on x86_64 only"

tmp=$(mktemp -d /tmp/css-release-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
openssl genpkey -algorithm ed25519 -out "$tmp/key.pem" 2>/dev/null
release() {  # out-folder, extra args...
  local out=$1; shift
  CSS_BUILD_DIR=$build "$root/scripts/release" --no-build --no-site --arch x86_64 --out "$out" "$@" \
    >"$out.log" 2>&1
}
release "$tmp/a" --key "$tmp/key.pem" || { cat "$tmp/a.log"; fail "scripts/release failed"; }
release "$tmp/b" --key "$tmp/key.pem" || { cat "$tmp/b.log"; fail "the second run failed"; }

shopt -s nullglob
tarballs=("$tmp"/a/citysafe-*.tar.gz)
[ ${#tarballs[@]} = 1 ] || fail "expected one tarball in the output folder, found ${#tarballs[@]}"
tgz=${tarballs[0]}
name=$(basename "$tgz")
top=${name%.tar.gz}
version=${top#citysafe-}
[ -s "$tgz.sha256" ] || fail "no $name.sha256 beside the tarball"
[ -s "$tmp/a/release-key.pub" ] || fail "no release-key.pub in the output folder"
cmp -s "$tgz" "$tmp/b/$name" || fail "two runs on one commit with one key gave different bytes"
(cd "$tmp/a" && sha256sum -c --quiet "$name.sha256") || fail "$name.sha256 does not match"
[ "$(openssl pkey -in "$tmp/key.pem" -pubout)" = "$(cat "$tmp/a/release-key.pub")" ] \
  || fail "release-key.pub is not the public half of --key"

# The archive itself: one top folder, files and folders only, root-owned, no absolute paths.
tar -tzf "$tgz" | grep -v "^$top/" && fail "entries outside the top folder $top/"
tar -tvzf "$tgz" | grep -v '^[-d]' && fail "entries that are not regular files or folders"
tar --numeric-owner -tvzf "$tgz" | awk '$2 != "0/0"' | grep . && fail "entries not owned by 0/0"
[ "$(tar -tzf "$tgz" | sort | uniq -d)" = "" ] || fail "duplicate entries"

x=$tmp/x
mkdir "$x"
tar -xzf "$tgz" -C "$x"
t=$x/$top
[ "$(cat "$t/VERSION")" = "$version" ] || fail "VERSION '$(cat "$t/VERSION")' is not the folder's suffix '$version'"
for f in bin/x86_64/citysafe bin/x86_64/citysafe-server bin/x86_64/citysafe-edge models/default.csm README.md LICENSE \
         deploy/systemd/citysafe-edge.service deploy/edge.toml deploy/ansible/site.yml \
         deploy/mosquitto/mosquitto.conf deploy/docker/Dockerfile docs/index.md; do
  [ -f "$t/$f" ] || fail "the bundle has no $f"
done
[ -e "$t/bin/aarch64" ] && fail "--arch x86_64 shipped aarch64 binaries"
[ -e "$t/docs/site" ] && fail "--no-site shipped docs/site"
for f in bin/x86_64/citysafe bin/x86_64/citysafe-server bin/x86_64/citysafe-edge; do
  [ -x "$t/$f" ] || fail "$f is not executable"
  readelf -h "$t/$f" | grep -q 'Machine:.*X86-64' || fail "$f is not an x86-64 ELF"
done
"$t/bin/x86_64/citysafe-edge" --help >/dev/null || fail "the shipped citysafe-edge does not run"
"$t/bin/x86_64/citysafe-server" --help >/dev/null || fail "the shipped citysafe-server does not run"
# The server binary exists so a server host needs no LibTorch: it must not link it.
readelf -d "$t/bin/x86_64/citysafe-server" | grep -qi 'libtorch' \
  && fail "the shipped citysafe-server links LibTorch"
cmp -s "$t/models/default.csm" "$root/models/default.csm" || fail "models/default.csm differs from the repo's"

# SHA256SUMS: every other file exactly once, itself and the .sig never.
listed=$(cut -c67- "$t/SHA256SUMS" | LC_ALL=C sort)
present=$(cd "$t" && find . -type f ! -name SHA256SUMS ! -name SHA256SUMS.sig -printf '%P\n' | LC_ALL=C sort)
[ "$listed" = "$present" ] || fail "SHA256SUMS does not list exactly the bundle's files: $(diff <(echo "$listed") <(echo "$present") | head -5)"
[ -z "$(cut -c67- "$t/SHA256SUMS" | sort | uniq -d)" ] || fail "SHA256SUMS lists a file twice"
(cd "$t" && sha256sum -c --strict --quiet SHA256SUMS) || fail "SHA256SUMS does not match the files"

verify() {  # pubkey, sums file
  openssl pkeyutl -verify -rawin -pubin -inkey "$1" -sigfile "$t/SHA256SUMS.sig" -in "$2" >/dev/null 2>&1
}
[ "$(stat -c %s "$t/SHA256SUMS.sig")" = 64 ] || fail "SHA256SUMS.sig is not 64 raw bytes"
verify "$tmp/a/release-key.pub" "$t/SHA256SUMS" || fail "the signature does not verify with release-key.pub"

flip() {  # file, byte offset: xor that byte with 0x01, in place
  local b
  b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
cp "$t/SHA256SUMS" "$tmp/sums.flipped"
flip "$tmp/sums.flipped" 10
cmp -s "$t/SHA256SUMS" "$tmp/sums.flipped" && fail "flip() did not change the file"
verify "$tmp/a/release-key.pub" "$tmp/sums.flipped" && fail "the signature verified a flipped SHA256SUMS"
openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout -out "$tmp/other.pub"
verify "$tmp/other.pub" "$t/SHA256SUMS" && fail "the signature verified with another key"
flip "$t/bin/x86_64/citysafe-edge" 4096
(cd "$t" && sha256sum -c --quiet SHA256SUMS >/dev/null 2>&1) && fail "sha256sum -c passed a flipped byte in a binary"
cp "$tgz" "$tmp/flipped.tar.gz"
flip "$tmp/flipped.tar.gz" 100
[ "$(sha256sum <"$tmp/flipped.tar.gz" | cut -c1-64)" != "$(cut -c1-64 "$tgz.sha256")" ] \
  || fail "the .sha256 matched a flipped tarball"

# Bad arguments: exit 2, a message naming what is wrong; nothing written.
expect_bad() {  # message fragment, args...
  local want=$1 rc=0; shift
  "$root/scripts/release" --no-build --out "$tmp/bad" "$@" >"$tmp/bad.log" 2>&1 || rc=$?
  [ "$rc" = 2 ] || { cat "$tmp/bad.log"; fail "scripts/release $* exited $rc, not 2"; }
  grep -q -- "$want" "$tmp/bad.log" || { cat "$tmp/bad.log"; fail "scripts/release $*: no '$want' in the error"; }
  [ -z "$(ls "$tmp/bad" 2>/dev/null)" ] || fail "scripts/release $* wrote files"
}
expect_bad "--arch 'sparc'" --arch sparc --key "$tmp/key.pem"
# (--arch x86_64: without the release group a fresh machine has no aarch64 cross compiler, and
# a missing tool is checked, exit 1, before the key.)
expect_bad "no such readable file" --arch x86_64 --key "$tmp/none.pem"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tmp/ec.pem" 2>/dev/null
expect_bad "not an Ed25519 private key" --arch x86_64 --key "$tmp/ec.pem"
expect_bad "unknown argument" --frobnicate

# No cross compiler on PATH: exit 1, naming the bootstrap group that installs it.
mkdir "$tmp/path"
ln -s /usr/bin/* "$tmp/path/"
rm -f "$tmp/path/aarch64-linux-gnu-g++"
rc=0
PATH=$tmp/path "$root/scripts/release" --no-build --arch aarch64 --key "$tmp/key.pem" \
  --out "$tmp/nocross" >"$tmp/nocross.log" 2>&1 || rc=$?
[ "$rc" = 1 ] && grep -q "scripts/bootstrap --with release" "$tmp/nocross.log" \
  || { cat "$tmp/nocross.log"; fail "without aarch64-linux-gnu-g++: exit $rc, not 1 naming scripts/bootstrap --with release"; }

# The fleet playbook's preflight on this bundle: accepted; a tarball whose content changed
# (and whose .sha256 was recomputed to match) is refused by the signature. The inventory is
# localhost alone: the rollout play matches no host, nothing is contacted.
if command -v ansible-playbook >/dev/null; then
  pb() {
    ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False \
      ansible-playbook -i localhost, \
      "$root/deploy/ansible/site.yml" --tags preflight -e "citysafe_bundle=$1" >"$tmp/pb.log" 2>&1
  }
  pb "$tgz" || { cat "$tmp/pb.log"; fail "the playbook's preflight refused a good bundle"; }
  m=$tmp/m
  mkdir "$m" && cp "$tmp/a/release-key.pub" "$m/"
  tar -xzf "$tgz" -C "$m"
  echo "tampered" >>"$m/$top/README.md"
  sed -i "s|^[0-9a-f]\{64\}  README.md$|$(cd "$m/$top" && sha256sum README.md)|" "$m/$top/SHA256SUMS"
  tar -czf "$m/$name" -C "$m" "$top"
  (cd "$m" && sha256sum "$name" >"$name.sha256")
  if pb "$m/$name"; then cat "$tmp/pb.log"; fail "the playbook's preflight accepted a re-summed bundle without a new signature"; fi
  grep -q "Verify the Ed25519 signature" "$tmp/pb.log" || { cat "$tmp/pb.log"; fail "the preflight failed, but not at the signature"; }
elif [ "${CI:-}" = true ]; then
  fail "ansible-playbook is not installed (Debian ansible-core, base group)"
else
  echo "note: ansible-playbook not installed (ansible-core, base group): preflight not run"
fi
echo "ok: $name ($(stat -c %s "$tgz") bytes) — $(wc -l <"$t/SHA256SUMS") files summed, signature checked, same bytes twice"
