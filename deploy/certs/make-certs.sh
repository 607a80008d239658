#!/usr/bin/env bash
# make-certs.sh OUTDIR [--days N] [--device ID ...] [--server-name NAME ...]
#
# Makes the TLS material for a CitySafeSense broker with openssl only:
#   OUTDIR/ca.pem, ca.key            a private certificate authority (EC P-256)
#   OUTDIR/server.pem, server.key    the broker's certificate, signed by that CA, with
#                                    subjectAltName DNS:localhost, IP:127.0.0.1 (+ --server-name)
#   OUTDIR/clients/ID.pem, ID.key    one client certificate per --device (CN = the device id)
#
# Idempotent: files that exist are kept when they verify against the CA, so a second run
# only adds what is missing (new devices). It never replaces a CA: when only one of ca.pem /
# ca.key exists, or a certificate does not verify against the CA, it stops with an error and
# changes nothing. Private keys are written 0600.
#
# Options:
#   --days N           validity of new certificates in days (default 825; the CA gets 10x)
#   --device ID        add a client certificate for device ID ([A-Za-z0-9._-], 1-64 chars)
#   --server-name NAME extra DNS name for the server certificate (repeatable)
#   -h, --help         this text
set -euo pipefail

say() { printf 'make-certs: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }
usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }

outdir=""
days=825
devices=()
server_names=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --days) shift; [ $# -gt 0 ] || die "--days needs a number"; days="$1" ;;
    --device) shift; [ $# -gt 0 ] || die "--device needs an id"; devices+=("$1") ;;
    --server-name) shift; [ $# -gt 0 ] || die "--server-name needs a DNS name"; server_names+=("$1") ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [ -z "$outdir" ] || die "one OUTDIR only (got '$outdir' and '$1')"; outdir="$1" ;;
  esac
  shift
done
[ -n "$outdir" ] || { usage >&2; die "OUTDIR is required"; }
[[ "$days" =~ ^[0-9]+$ ]] && [ "$days" -ge 1 ] && [ "$days" -le 36500 ] ||
  die "--days '$days': expected a whole number of days from 1 to 36500"
for id in "${devices[@]}"; do
  [[ "$id" =~ ^[A-Za-z0-9._-]{1,64}$ ]] ||
    die "--device '$id': expected 1-64 characters from A-Z a-z 0-9 . _ -"
done
for n in "${server_names[@]}"; do
  [[ "$n" =~ ^[A-Za-z0-9.-]{1,253}$ ]] || die "--server-name '$n': expected a DNS name"
done
command -v openssl >/dev/null || die "openssl not found (apt-get install openssl)"

umask 077
mkdir -p "$outdir/clients"
ca_pem="$outdir/ca.pem"
ca_key="$outdir/ca.key"

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# A leaf that exists must verify against our CA; otherwise stop rather than overwrite it.
check_leaf() {
  local pem="$1" key="$2"
  [ -e "$pem" ] || [ -e "$key" ] || return 1  # absent: make it
  [ -e "$pem" ] && [ -e "$key" ] || die "'$pem' and '$key' must both exist or neither; remove the odd one"
  openssl verify -CAfile "$ca_pem" "$pem" >/dev/null 2>&1 ||
    die "'$pem' does not verify against '$ca_pem'; remove it to reissue"
  return 0
}

# sign_leaf NAME SUBJECT EXTFILE: key + CSR + certificate signed by the CA.
sign_leaf() {
  local base="$1" subj="$2" ext="$3"
  new_key "$base.key"
  openssl req -new -key "$base.key" -subj "$subj" -out "$base.csr"
  openssl x509 -req -in "$base.csr" -CA "$ca_pem" -CAkey "$ca_key" -CAcreateserial \
    -CAserial "$outdir/ca.srl" -days "$days" -sha256 -extfile "$ext" -out "$base.pem" 2>/dev/null
  rm -f "$base.csr" "$ext"
  chmod 600 "$base.key"
  chmod 644 "$base.pem"
}

# 1. The CA: reused when both halves exist, never replaced.
if [ -e "$ca_pem" ] || [ -e "$ca_key" ]; then
  [ -e "$ca_pem" ] && [ -e "$ca_key" ] ||
    die "only one of '$ca_pem' / '$ca_key' exists; refusing to make a new CA over it"
  say "keeping the CA in $ca_pem"
else
  new_key "$ca_key"
  openssl req -x509 -new -key "$ca_key" -sha256 -days $((days * 10)) \
    -subj "/O=CitySafeSense/CN=CitySafeSense test CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$ca_pem"
  chmod 644 "$ca_pem"
  say "made a new CA: $ca_pem"
fi

# 2. The server certificate. MACHINE-NOTES: Mosquitto clients check the name, so the
#    certificate carries subjectAltName DNS:localhost,IP:127.0.0.1.
if ! check_leaf "$outdir/server.pem" "$outdir/server.key"; then
  san="DNS:localhost,IP:127.0.0.1"
  for n in "${server_names[@]}"; do san="$san,DNS:$n"; done
  ext="$outdir/server.ext"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=$san" >"$ext"
  sign_leaf "$outdir/server" "/O=CitySafeSense/CN=localhost" "$ext"
  say "made the server certificate: $outdir/server.pem ($san)"
fi

# 3. Client certificates, one per device.
for id in "${devices[@]}"; do
  base="$outdir/clients/$id"
  check_leaf "$base.pem" "$base.key" && continue
  ext="$base.ext"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=clientAuth" >"$ext"
  sign_leaf "$base" "/O=CitySafeSense/CN=$id" "$ext"
  say "made a client certificate: $base.pem"
done
