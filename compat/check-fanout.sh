#!/usr/bin/env bash
# Fanout groups for unmodified programs: Debian's tcpdump under LD_PRELOAD=our libpcap.so,
# several copies with the same OXPCAP_FANOUT, each writing what it gets to a file (-w), while
# a known burst arrives; the files are read back with the system libpcap. Checks:
#   - 2 and 3 members (hash, lb): the union is exactly the burst, no packet twice;
#   - hash: every flow stays on one member;
#   - rollover: a stopped member's share moves to the other one (no loss, unlike plain hash);
#   - bad OXPCAP_* values fail with the documented messages; files ignore OXPCAP_FANOUT;
#   - ctests/fanout_threads.c: one group of threads via the API, pcap_dispatch_batch against a
#     plain pcap_dispatch handle, per-member pcap_stats and the group total.
# Everything runs in two network namespaces created here (veth pair, 198.18.10.0/24, both
# ends inside them), deleted on any exit. Needs root; skips with the reason otherwise.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
lib="$top/target/release/libpcap.so"
if [ "$(id -u)" != 0 ]; then echo "skip: fanout checks need root (network namespaces)"; exit 0; fi
command -v ip >/dev/null || { echo "skip: iproute2 is not installed"; exit 0; }
command -v tcpdump >/dev/null || { echo "skip: tcpdump is not installed"; exit 0; }
[ -f "$lib" ] || { echo "check-fanout: build first (make all)"; exit 2; }
work=$(mktemp -d /tmp/oxpcap-fanout.XXXXXX)
tx="oxfo-tx-$$" rx="oxfo-rx-$$"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  ip netns del "$tx" 2>/dev/null; ip netns del "$rx" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
ip netns add "$tx" && ip netns add "$rx" || { echo "skip: cannot create network namespaces"; exit 0; }
ip -n "$tx" link add fxa type veth peer name fxb netns "$rx"
for ns in "$tx" "$rx"; do
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$tx" addr add 198.18.10.1/24 dev fxa
ip -n "$rx" addr add 198.18.10.2/24 dev fxb
ip -n "$tx" link set fxa up
ip -n "$rx" link set fxb up
mac=$(ip netns exec "$rx" cat /sys/class/net/fxb/address)

cc -O2 -Wall -Werror "$top/bench/fanout/sender.c" -o "$work/sender" || exit 1
cc -O2 -Wall -Werror "$top/bench/fanout/seqs.c" -o "$work/seqs" -lpcap || exit 1
send() { ip netns exec "$tx" "$work/sender" fxa "$mac" "$@" 2>>"$work/sender.log"; }

fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

# Starts N tcpdump members with OXPCAP_FANOUT=$2 (and any extra environment after it);
# waits until each is listening. Files: $work/$1.K.pcap, stderr $work/$1.K.err.
start_members() {
  local tag=$1 n=$2 value=$3; shift 3
  members=()
  for k in $(seq 1 "$n"); do
    ip netns exec "$rx" env LD_PRELOAD="$lib" OXPCAP_FANOUT="$value" "$@" \
      tcpdump -i fxb -Q in -n -s 128 -U -w "$work/$tag.$k.pcap" \
      udp and dst host 198.18.10.2 2>"$work/$tag.$k.err" &
    members+=($!); pids+=($!)
  done
  for k in $(seq 1 "$n"); do
    for _ in $(seq 100); do grep -q "listening on" "$work/$tag.$k.err" && break; sleep 0.1; done
    grep -q "listening on" "$work/$tag.$k.err" || { cat "$work/$tag.$k.err"; return 1; }
  done
}
# A partly filled ring block reaches the reader when its timer (tcpdump's 1 s timeout)
# expires; the members are stopped once their files have stopped growing (at least 1.5 s, at
# most 30 s), so a slow machine only makes the check slower.
stop_members() {
  for p in "${members[@]}"; do kill -CONT "$p" 2>/dev/null; done
  sleep 1.5
  local before="" after
  for _ in $(seq 60); do
    after=$(cat "$work/$tag".*.pcap 2>/dev/null | wc -c)
    [ "$after" = "$before" ] && break
    before=$after
    sleep 0.5
  done
  for p in "${members[@]}"; do kill -INT "$p" 2>/dev/null; done
  for p in "${members[@]}"; do wait "$p" 2>/dev/null; done
}
# Reads member K's sequence numbers into $work/$tag.K.seq; prints the union's summary.
collect() {
  local tag=$1 n=$2
  for k in $(seq 1 "$n"); do "$work/seqs" "$work/$tag.$k.pcap" >"$work/$tag.$k.seq"; done
  cat "$work/$tag".*.seq >"$work/$tag.all"
}
# The union equals 0..COUNT-1 with no packet twice.
check_union() {
  local tag=$1 count=$2 what=$3
  local total uniq dups
  total=$(wc -l <"$work/$tag.all")
  uniq=$(cut -d' ' -f1 "$work/$tag.all" | sort -n | uniq | wc -l)
  dups=$((total - uniq))
  local min max
  min=$(cut -d' ' -f1 "$work/$tag.all" | sort -n | head -1)
  max=$(cut -d' ' -f1 "$work/$tag.all" | sort -n | tail -1)
  local shares=""
  for f in "$work/$tag".*.seq; do shares+=" $(wc -l <"$f")"; done
  if [ "$uniq" = "$count" ] && [ "$dups" = 0 ] && [ "${min:-x}" = 0 ] && [ "${max:-x}" = $((count - 1)) ]; then
    ok "$what: union = burst of $count, no duplicates (shares:$shares)"
  else
    bad "$what: $uniq distinct of $count, $dups duplicates (shares:$shares)"
  fi
  for f in "$work/$tag".*.seq; do
    [ -s "$f" ] || bad "$what: member $(basename "$f") got nothing"
  done
}
# Every flow appears in one member's file only.
check_flows() {
  local tag=$1 what=$2 split
  split=$(for f in "$work/$tag".*.seq; do cut -d' ' -f2 "$f" | sort -u; done | sort | uniq -d | wc -l)
  if [ "$split" = 0 ]; then ok "$what: every flow on one member"; else bad "$what: $split flows split across members"; fi
}

count=20000
for n in 2 3; do
  tag="hash$n"
  start_members "$tag" "$n" "7:hash" OXPCAP_BUFFER_SIZE=32m || { bad "$tag: members did not start"; continue; }
  send "$count" 64 50000
  stop_members
  collect "$tag" "$n"
  check_union "$tag" "$count" "$n tcpdumps, OXPCAP_FANOUT=7:hash"
  check_flows "$tag" "$n tcpdumps, OXPCAP_FANOUT=7:hash"
done
tag=lb3
if start_members "$tag" 3 "8:lb" OXPCAP_BUFFER_SIZE=32m; then
  send "$count" 1 50000
  stop_members
  collect "$tag" 3
  check_union "$tag" "$count" "3 tcpdumps, OXPCAP_FANOUT=8:lb, one flow"
else bad "$tag: members did not start"; fi

# cbpf steering from the environment: the program returns the UDP source port's low bit
# (ldh [34]; and #1; ret a), so one member gets the even flows and the other the odd ones.
tag=cbpf
if start_members "$tag" 2 "13:cbpf" OXPCAP_BUFFER_SIZE=32m OXPCAP_FANOUT_CBPF="3,40 0 0 34,84 0 0 1,22 0 0 0"; then
  send "$count" 64 50000
  stop_members
  collect "$tag" 2
  check_union "$tag" "$count" "2 tcpdumps, OXPCAP_FANOUT=13:cbpf (source port parity)"
  parities=$(for f in "$work/$tag".*.seq; do awk '{print $2 % 2}' "$f" | sort -u | tr -d '\n'; echo; done | sort | tr '\n' ' ')
  [ "$parities" = "0 1 " ] && ok "cbpf: one member got exactly the even flows, the other the odd ones" \
    || bad "cbpf: members' flow parities: $parities"
else bad "$tag: members did not start"; fi

# Rollover: member 1 is stopped (SIGSTOP) with a 256 KiB ring. With the rollover flag its
# share moves to member 2 once its ring fills, so nothing is lost; with plain hash it is
# dropped (the control, showing the check can fail).
for value in "9:hash,rollover" "10:hash"; do
  tag="roll${value%%:*}"
  start_members "$tag" 2 "$value" OXPCAP_BUFFER_SIZE=256k || { bad "$tag: members did not start"; continue; }
  kill -STOP "${members[0]}"
  send "$count" 64 20000
  sleep 0.5
  stop_members
  collect "$tag" 2
  got=$(cut -d' ' -f1 "$work/$tag.all" | sort -u | wc -l)
  second=$(wc -l <"$work/$tag.2.seq")
  # tcpdump reports its member's pcap_stats drops on exit.
  drops=$(cat "$work/$tag".*.err | sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' \
    | awk '{s += $1} END {print s + 0}')
  dups=$(( $(wc -l <"$work/$tag.all") - got ))
  if [ "$value" = "9:hash,rollover" ]; then
    # The kernel may still drop the odd packet at the moment a ring fills (counted as a drop;
    # plain hash drops over a third here).
    if [ $((got + drops)) = "$count" ] && [ "$dups" = 0 ] && [ "$drops" -lt $((count / 10)) ] \
       && [ "$second" -gt $((count * 3 / 4)) ]; then
      ok "OXPCAP_FANOUT=$value, member 1 stopped: $got delivered + $drops counted drops = $count, none twice; the running member took $second"
    else
      bad "OXPCAP_FANOUT=$value, member 1 stopped: $got delivered, $drops drops, $dups duplicates, running member $second of $count"
    fi
  else
    [ "$got" -lt "$count" ] \
      && ok "control (OXPCAP_FANOUT=$value, member 1 stopped): $got of $count delivered, the rest dropped" \
      || bad "control: plain hash lost nothing with a stopped member ($got of $count)"
  fi
done

# A second process asking for the same group with another mode is refused.
tag=clash
if start_members "$tag" 1 "11:hash"; then
  ip netns exec "$rx" env LD_PRELOAD="$lib" OXPCAP_FANOUT=11:lb tcpdump -i fxb -n -c 1 \
    >/dev/null 2>"$work/clash.err"
  rc=$?
  msg="OXPCAP_FANOUT: can't join fanout group 11 (lb): group 11 exists with another mode, flags, interface or protocol"
  grep -qF "$msg" "$work/clash.err" && [ $rc != 0 ] && ok "group clash: $msg" \
    || bad "group clash: exit $rc, $(cat "$work/clash.err")"
  stop_members
fi

# Bad values: tcpdump exits 1 and prints our message (tcpdump adds "tcpdump: fxb: ").
while IFS='|' read -r var value msg; do
  ip netns exec "$rx" env LD_PRELOAD="$lib" "$var=$value" tcpdump -i fxb -n -c 1 \
    >/dev/null 2>"$work/badvar.err"
  rc=$?
  if [ $rc = 1 ] && grep -qF "$msg" "$work/badvar.err"; then ok "tcpdump exits 1: $msg"
  else bad "$var=\"$value\": exit $rc, $(head -2 "$work/badvar.err")"; fi
done <<'VALUES'
OXPCAP_FANOUT|x|OXPCAP_FANOUT="x": group "x" is not a number from 0 to 65535
OXPCAP_FANOUT|70000:hash|OXPCAP_FANOUT="70000:hash": group "70000" is not a number from 0 to 65535
OXPCAP_FANOUT|7:hsah|OXPCAP_FANOUT="7:hsah": unknown mode "hsah" (hash, lb, cpu, rollover, rnd, qm, cbpf)
OXPCAP_FANOUT|7:hash,defarg|OXPCAP_FANOUT="7:hash,defarg": unknown flag "defarg" (defrag, rollover, ignore-outgoing)
OXPCAP_FANOUT|7:ebpf|OXPCAP_FANOUT="7:ebpf": mode ebpf is not supported (use cbpf)
OXPCAP_FANOUT|7:cbpf|OXPCAP_FANOUT: mode cbpf needs a steering program (OXPCAP_FANOUT_CBPF)
OXPCAP_BUFFER_SIZE|12x|OXPCAP_BUFFER_SIZE="12x": "12x" is not a size in bytes (like 64m)
OXPCAP_BUFFER_SIZE|1k|OXPCAP_BUFFER_SIZE="1k": 1024 bytes is not between 64k and 2g
OXPCAP_DEBUG|yes|OXPCAP_DEBUG="yes": "yes" is neither 0 nor 1
OXPCAP_FANOUT_CBPF|3,6 0 0 0|OXPCAP_FANOUT_CBPF="3,6 0 0 0": says 3 instructions but has 1
VALUES

# The debug log names the ring and the group; a cbpf program from the environment steers.
ip netns exec "$rx" env LD_PRELOAD="$lib" OXPCAP_DEBUG=1 OXPCAP_FANOUT=12:cbpf \
  OXPCAP_FANOUT_CBPF="1,6 0 0 0" OXPCAP_BUFFER_SIZE=1m tcpdump -i fxb -n -c 1 -s 128 \
  udp >/dev/null 2>"$work/debug.err" &
dbg=$!; pids+=($dbg)
for _ in $(seq 50); do grep -q "listening on" "$work/debug.err" && break; sleep 0.1; done
send 5 1 0
wait "$dbg"
if grep -q "^oxpcap: fxb: ring 4 blocks of 256 KiB (1024 KiB, from OXPCAP_BUFFER_SIZE)" "$work/debug.err" \
   && grep -q "^oxpcap: fxb: joined fanout group 12 (cbpf), asked by OXPCAP_FANOUT" "$work/debug.err"; then
  ok "OXPCAP_DEBUG=1: $(grep -c '^oxpcap:' "$work/debug.err") log lines, ring and group named"
else bad "OXPCAP_DEBUG=1: $(cat "$work/debug.err")"; fi

# Savefiles ignore the fanout variables entirely.
ip netns exec "$rx" env LD_PRELOAD="$lib" OXPCAP_FANOUT=nonsense tcpdump -n -r "$work/hash2.1.pcap" \
  >/dev/null 2>&1 && ok "tcpdump -r ignores OXPCAP_FANOUT" || bad "tcpdump -r failed with OXPCAP_FANOUT set"

# The C example: threads in one group through the API, against a plain handle.
mkdir -p "$work/lib" && cp "$lib" "$work/lib/libpcap.so.1" && ln -sf libpcap.so.1 "$work/lib/libpcap.so"
if cc -O2 -Wall -Werror -pthread -I"$top/include" "$top/ctests/fanout_threads.c" -o "$work/threads" \
     -L"$work/lib" -lpcap -Wl,-rpath,"$work/lib"; then
  ip netns exec "$rx" env OXPCAP_FANOUT_NS=1 "$work/threads" fxb 3 "$count" >"$work/threads.out" 2>&1 &
  tp=$!; pids+=($tp)
  for _ in $(seq 100); do grep -q "^ready" "$work/threads.out" && break; sleep 0.1; done
  send "$count" 64 50000
  if wait "$tp"; then ok "ctests/fanout_threads: $(tail -1 "$work/threads.out")"
    grep -v '^ready' "$work/threads.out" | head -n -1 | sed 's/^/    /'
  else bad "ctests/fanout_threads:"; sed 's/^/    /' "$work/threads.out"; fi
else bad "ctests/fanout_threads.c does not build"; fi
# Live batches against the system libpcap: the same program built against oxpcap (reading
# with pcap_dispatch_batch) and against the system libpcap (pcap_dispatch) receives the same
# burst; the packets, lengths and bytes must be identical, in the same order.
src="$top/ctests/fanout_batch_live.c"
if cc -O2 -Wall -Werror -I"$top/include" "$src" -o "$work/blive.ours" -L"$work/lib" -lpcap \
     -Wl,-rpath,"$work/lib" && cc -O2 -Wall -Werror "$src" -o "$work/blive.system" -lpcap; then
  for b in ours system; do
    ip netns exec "$rx" env OXPCAP_FANOUT_NS=1 "$work/blive.$b" fxb 5000 >"$work/blive.$b.out" \
      2>"$work/blive.$b.err" &
    bp=$!; pids+=($bp)
    for _ in $(seq 100); do grep -qs "^ready" "$work/blive.$b.err" && break; sleep 0.1; done
    send 5000 1 20000
    wait "$bp"; echo $? >"$work/blive.$b.rc"
  done
  if cmp -s "$work/blive.ours.out" "$work/blive.system.out" && [ "$(cat "$work/blive.ours.rc")" = 0 ] \
     && [ "$(cat "$work/blive.system.rc")" = 0 ]; then
    ok "live pcap_dispatch_batch (cnt 7 and -1) = system pcap_dispatch: $(tail -1 "$work/blive.ours.out"), $(($(wc -l <"$work/blive.ours.out") - 1)) lines identical"
  else
    bad "live pcap_dispatch_batch vs system pcap_dispatch: exit $(cat "$work/blive.ours.rc") vs $(cat "$work/blive.system.rc")"
    diff "$work/blive.system.out" "$work/blive.ours.out" | head -5; cat "$work/blive.ours.err"
  fi
else bad "ctests/fanout_batch_live.c does not build"; fi
exit $fail
