#!/usr/bin/env bash
# janus-testhost.sh: a Janus 1.1.2 test host in its own network namespace.
#
#   scripts/janus-testhost.sh up [NAME]    create it, start Janus, print its WebSocket URL
#   scripts/janus-testhost.sh down NAME    stop Janus and remove the namespace and the veth pair
#
# Janus never gathers loopback ICE candidates (docs: field-notes), so media to
# a Janus on 127.0.0.1 fails. This puts Janus in a network namespace NAME with
# one veth interface; its peer stays in the caller's namespace. The two ends
# get the two host addresses of one private /30 (10.203.X.Y) that exists only on
# this pair: no default route, no forwarding, so traffic can only go between
# the two test hosts. Bots bind to the host-side address (bot.WithListenIP).
#
# Janus runs with a generated minimal config: the WebSockets transport (Janus
# API on :8188, Admin API on :7188, both only on the namespace's address), the
# VideoRoom and TextRoom plugins, nothing else. The fixed ports are inside the
# namespace, which only this test host uses, so parallel test hosts never
# collide. Random secrets are written with the other facts to
# $STATE/NAME/env (mode 0600; STATE = $JANUS_TESTHOST_STATE or /run/roombot-janus):
#   WS_URL ADMIN_URL HOST_IP JANUS_IP ADMIN_SECRET ADMIN_KEY PID NETNS LOG
# Needs root, or passwordless sudo, for ip netns; and janus + iproute2 (scripts/test-deps.sh installs them).
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"

STATE=${JANUS_TESTHOST_STATE:-/run/roombot-janus}
JANUS_LIB=${JANUS_LIB:-$(ls -d /usr/lib/*/janus 2>/dev/null | head -1)}
WS_PORT=8188
ADMIN_PORT=7188

die() { echo "janus-testhost: $*" >&2; exit 1; }

valid_name() { [[ $1 =~ ^[a-z][a-z0-9]{1,9}$ ]] || die "name $1: 2-10 lower-case letters and digits, starting with a letter"; }

secret() { head -c 18 /dev/urandom | base64 | tr '+/' 'xy'; }

# pick_subnet prints a free third and fourth octet base (X Y) for 10.203.X.Y/30.
pick_subnet() {
  local used x y
  used=$(ip -4 -o addr show | awk '{print $4}')
  for _ in $(seq 1 200); do
    x=$((RANDOM % 256)); y=$(((RANDOM % 64) * 4))
    grep -q "^10\.203\.$x\.$((y + 1))/\|^10\.203\.$x\.$((y + 2))/" <<<"$used" || { echo "$x $y"; return; }
  done
  die "no free 10.203.0.0/16 /30 subnet"
}

write_config() {
  local dir=$1 ip=$2 ifname=$3 admin_secret=$4 admin_key=$5
  local plugins_off transports_off events_off
  plugins_off=$(cd "$JANUS_LIB/plugins" && ls *.so | grep -v -e '^libjanus_videoroom.so$' -e '^libjanus_textroom.so$' | paste -sd, -)
  transports_off=$(cd "$JANUS_LIB/transports" && ls *.so | grep -v '^libjanus_websockets.so$' | paste -sd, -)
  events_off=$(cd "$JANUS_LIB/events" && ls *.so | paste -sd, -)
  cat >"$dir/janus.jcfg" <<EOF
general: {
	configs_folder = "$dir"
	plugins_folder = "$JANUS_LIB/plugins"
	transports_folder = "$JANUS_LIB/transports"
	events_folder = "$JANUS_LIB/events"
	loggers_folder = "$JANUS_LIB/loggers"
	debug_level = 4
	admin_secret = "$admin_secret"
	session_timeout = 60
	server_name = "roombot-testhost"
}
media: {
	rtp_port_range = "20000-40000"
}
nat: {
	ice_enforce_list = "$ifname"
	ignore_mdns = true
}
plugins: { disable = "$plugins_off" }
transports: { disable = "$transports_off" }
events: { broadcast = false disable = "$events_off" }
loggers: { disable = "libjanus_jsonlog.so" }
EOF
  cat >"$dir/janus.transport.websockets.jcfg" <<EOF
general: {
	json = "compact"
	ws = true
	ws_port = $WS_PORT
	ws_ip = "$ip"
	wss = false
}
admin: {
	admin_ws = true
	admin_ws_port = $ADMIN_PORT
	admin_ws_ip = "$ip"
	admin_wss = false
}
EOF
  cat >"$dir/janus.plugin.videoroom.jcfg" <<EOF
general: {
	admin_key = "$admin_key"
	events = false
}
EOF
  cat >"$dir/janus.plugin.textroom.jcfg" <<EOF
general: {
	admin_key = "$admin_key"
	json = "compact"
	events = false
}
EOF
}

up() {
  local name=${1:-rbj$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')}
  valid_name "$name"
  command -v janus >/dev/null || die "janus is not installed (scripts/test-deps.sh)"
  command -v ip >/dev/null || die "ip (iproute2) is not installed (scripts/test-deps.sh)"
  local dir=$STATE/$name
  mkdir -p "$STATE"
  [ ! -e "$dir" ] || die "$name exists ($dir); run: $0 down $name"
  mkdir -m 0700 "$dir"
  # Whatever fails from here on, nothing is left behind.
  trap 'down "$name" >/dev/null 2>&1' EXIT
  local hif=${name}h jif=${name}j x y
  # Address choice and creation under one lock, so parallel ups never pick the same /30.
  exec 9>"${JANUS_TESTHOST_LOCK:-/tmp/roombot-janus-testhost.lock}"
  flock 9
  read -r x y < <(pick_subnet)
  local hip=10.203.$x.$((y + 1)) jip=10.203.$x.$((y + 2))
  $SUDO ip netns add "$name"
  $SUDO ip link add "$hif" type veth peer name "$jif" netns "$name"
  $SUDO ip addr add "$hip/30" dev "$hif"
  $SUDO ip link set "$hif" up
  $SUDO ip -n "$name" link set lo up
  $SUDO ip -n "$name" addr add "$jip/30" dev "$jif"
  $SUDO ip -n "$name" link set "$jif" up
  flock -u 9
  local admin_secret admin_key
  admin_secret=$(secret); admin_key=$(secret)
  write_config "$dir" "$jip" "$jif" "$admin_secret" "$admin_key"
  $SUDO ip netns exec "$name" janus -F "$dir" -C "$dir/janus.jcfg" -o -D >"$dir/janus.log" 2>&1 </dev/null &
  local pid=$!
  umask 077
  cat >"$dir/env" <<EOF
WS_URL=ws://$jip:$WS_PORT
ADMIN_URL=ws://$jip:$ADMIN_PORT
HOST_IP=$hip
JANUS_IP=$jip
ADMIN_SECRET=$admin_secret
ADMIN_KEY=$admin_key
PID=$pid
NETNS=$name
LOG=$dir/janus.log
EOF
  # Ready when both WebSocket servers listen: at most 10 s.
  for _ in $(seq 1 100); do
    [ -d "/proc/$pid" ] || { tail -20 "$dir/janus.log" >&2; die "janus exited"; }
    if [ "$($SUDO ip netns exec "$name" ss -Hltn "( sport = :$WS_PORT or sport = :$ADMIN_PORT )" | wc -l)" -ge 2 ]; then
      trap - EXIT
      echo "ws://$jip:$WS_PORT"
      return
    fi
    sleep 0.1
  done
  tail -20 "$dir/janus.log" >&2
  die "janus did not listen on $jip:$WS_PORT within 10 s"
}

down() {
  local name=${1:?usage: $0 down NAME}
  valid_name "$name"
  local dir=$STATE/$name pid=""
  [ -f "$dir/env" ] && pid=$(sed -n 's/^PID=//p' "$dir/env")
  if [ -n "$pid" ] && [ -d "/proc/$pid" ]; then
    $SUDO kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    $SUDO kill -9 "$pid" 2>/dev/null || true
  fi
  # Deleting the namespace destroys its veth end, and with it the peer.
  $SUDO ip netns del "$name" 2>/dev/null || true
  $SUDO ip link del "${name}h" 2>/dev/null || true
  rm -rf "$dir"
}

case ${1:-} in
  up) shift; up "$@" ;;
  down) shift; down "$@" ;;
  *) die "usage: $0 up [NAME] | down NAME" ;;
esac
