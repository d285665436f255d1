#!/bin/sh
# egress-lock: confine a pod's (or any network namespace's) egress to the traffic proxy.
#
# Run once, as root with NET_ADMIN only, in the network namespace to lock (the pod's init container).
# After it, in this namespace:
#   - sockets owned by PROXY_UID (the traffic sidecar) may reach anything;
#   - every other UID may reach only loopback LOOPBACK_PORTS (default: the proxy's port), and DNS
#     only with ALLOW_DNS=1: the proxy resolves every name itself, so the sandbox needs no DNS, and a
#     resolver it can reach forwards data hidden in query names to any authoritative server, unrecorded;
#   - replies on connections accepted from outside (probes, the sandbox's own servers) still flow;
#   - everything else is rejected at once (TCP reset / ICMP admin-prohibited), so clients fail fast.
# The sandbox container must not hold NET_ADMIN, or it could undo this.
#
# Environment:
#   PROXY_UID       numeric UID of the proxy process (required; must not be 0)
#   PROXY_PORT      proxy port on loopback (default 8080)
#   LOOPBACK_PORTS  space-separated loopback TCP ports the others may reach (default: PROXY_PORT);
#                   "any" allows all of loopback (sandboxes that run their own local servers)
#   ALLOW_DNS=1     let the other UIDs query DNS (udp+tcp 53) on DNS_SERVERS (default 0: no DNS at all)
#   DNS_SERVERS     with ALLOW_DNS=1: space-separated resolver addresses (default: nameservers in /etc/resolv.conf),
#                   matched before any DNAT, so the cluster DNS Service address works with kube-proxy
#                   (with socket-level load balancing, e.g. Cilium without kube-proxy, list the DNS pods)
#   BACKEND         nft | iptables (default: nft when installed, else iptables)
#   DRY_RUN=1       print the rules instead of applying them
# The nft backend applies all rules in one atomic transaction and is idempotent (re-running
# replaces the table). Exit 0 when applied, 2 on a bad setting, 1 when applying failed.
set -eu

die() { echo "egress-lock: $1" >&2; exit "${2:-2}"; }
is_uint() { case "$1" in ''|*[!0-9]*) return 1;; *) return 0;; esac; }

PROXY_UID="${PROXY_UID:-}"
is_uint "$PROXY_UID" || die "PROXY_UID must be a numeric UID, got '${PROXY_UID}'"
[ "$PROXY_UID" -ne 0 ] || die "PROXY_UID must not be 0 (root would then bypass the lock)"
PROXY_PORT="${PROXY_PORT:-8080}"
is_uint "$PROXY_PORT" || die "PROXY_PORT must be a port number, got '${PROXY_PORT}'"
LOOPBACK_PORTS="${LOOPBACK_PORTS:-$PROXY_PORT}"
if [ "$LOOPBACK_PORTS" != any ]; then
  for p in $LOOPBACK_PORTS; do is_uint "$p" || die "LOOPBACK_PORTS: '$p' is not a port"; done
fi
ALLOW_DNS="${ALLOW_DNS:-0}"
case "$ALLOW_DNS" in
  0) [ -z "${DNS_SERVERS:-}" ] || die "DNS_SERVERS is set but ALLOW_DNS is not 1: set ALLOW_DNS=1 to let the sandbox query those resolvers" ;;
  1) if [ -z "${DNS_SERVERS:-}" ] && [ -r /etc/resolv.conf ]; then
       DNS_SERVERS="$(awk '$1 == "nameserver" { printf "%s ", $2 }' /etc/resolv.conf)"
     fi ;;
  *) die "ALLOW_DNS must be 0 or 1, got '${ALLOW_DNS}'" ;;
esac
DNS_SERVERS="${DNS_SERVERS:-}"
DNS4=""; DNS6=""
for a in $DNS_SERVERS; do
  case "$a" in
    *:*) DNS6="${DNS6:+$DNS6, }$a" ;;
    *.*.*.*) DNS4="${DNS4:+$DNS4, }$a" ;;
    *) die "DNS_SERVERS: '$a' is not an IP address" ;;
  esac
done
if [ -z "${BACKEND:-}" ]; then
  if command -v nft >/dev/null 2>&1; then BACKEND=nft; else BACKEND=iptables; fi
fi

nft_rules() {
  echo "table inet traffic_egress_lock"
  echo "delete table inet traffic_egress_lock"
  echo "table inet traffic_egress_lock {"
  echo "  chain output {"
  echo "    type filter hook output priority 0; policy accept;"
  echo "    meta skuid $PROXY_UID accept"
  echo "    ct state established,related accept"
  if [ "$LOOPBACK_PORTS" = any ]; then
    echo "    oifname \"lo\" accept"
  else
    echo "    oifname \"lo\" tcp dport { $(echo "$LOOPBACK_PORTS" | sed 's/  */, /g') } accept"
  fi
  # DNS by the ORIGINAL destination: kube-proxy DNATs the DNS Service address to a pod address in
  # nat/output (priority -100), before this filter (priority 0) sees the packet.
  if [ -n "$DNS4" ]; then echo "    meta l4proto { tcp, udp } ct original ip daddr { $DNS4 } ct original proto-dst 53 accept"; fi
  if [ -n "$DNS6" ]; then echo "    meta l4proto { tcp, udp } ct original ip6 daddr { $DNS6 } ct original proto-dst 53 accept"; fi
  echo "    meta l4proto tcp reject with tcp reset"
  echo "    reject with icmpx admin-prohibited"
  echo "  }"
  echo "}"
}

# iptables backend: same rules, one chain per family, for nodes without nft.
ipt_rules() {
  for fam in 4 6; do
    if [ $fam = 4 ]; then ipt=iptables; dns="$DNS4"; rej=icmp-admin-prohibited
    else ipt=ip6tables; dns="$DNS6"; rej=icmp6-adm-prohibited; fi
    echo "$ipt -w -N TRAFFIC_EGRESS_LOCK 2>/dev/null || $ipt -w -F TRAFFIC_EGRESS_LOCK"
    echo "$ipt -w -D OUTPUT -j TRAFFIC_EGRESS_LOCK 2>/dev/null || true"
    echo "$ipt -w -A TRAFFIC_EGRESS_LOCK -m owner --uid-owner $PROXY_UID -j ACCEPT"
    echo "$ipt -w -A TRAFFIC_EGRESS_LOCK -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"
    if [ "$LOOPBACK_PORTS" = any ]; then
      echo "$ipt -w -A TRAFFIC_EGRESS_LOCK -o lo -j ACCEPT"
    else
      for p in $LOOPBACK_PORTS; do echo "$ipt -w -A TRAFFIC_EGRESS_LOCK -o lo -p tcp --dport $p -j ACCEPT"; done
    fi
    for a in $(echo "$dns" | tr ',' ' '); do
      for proto in udp tcp; do
        echo "$ipt -w -A TRAFFIC_EGRESS_LOCK -p $proto -m conntrack --ctorigdst $a --ctorigdstport 53 -j ACCEPT"
      done
    done
    echo "$ipt -w -A TRAFFIC_EGRESS_LOCK -p tcp -j REJECT --reject-with tcp-reset"
    echo "$ipt -w -A TRAFFIC_EGRESS_LOCK -j REJECT --reject-with $rej"
    echo "$ipt -w -I OUTPUT 1 -j TRAFFIC_EGRESS_LOCK"
  done
}

case "$BACKEND" in
  nft)
    if [ "${DRY_RUN:-0}" = 1 ]; then nft_rules; exit 0; fi
    nft_rules | nft -f - || die "nft failed to apply the rules" 1 ;;
  iptables)
    if [ "${DRY_RUN:-0}" = 1 ]; then ipt_rules; exit 0; fi
    ipt_rules | sh -e || die "iptables failed to apply the rules" 1 ;;
  *) die "BACKEND must be nft or iptables, got '$BACKEND'" ;;
esac
echo "egress-lock: applied ($BACKEND): uid $PROXY_UID unrestricted; others: loopback ${LOOPBACK_PORTS}, DNS ${DNS_SERVERS:-none}" >&2
