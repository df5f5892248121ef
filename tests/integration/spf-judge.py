#!/usr/bin/python3
"""spf-judge.py - differential test of rdnscheck --spf against an independent
RFC 7208 evaluator: Debian's python3-spf (pyspf) check_host(), pointed at the
test Knot only.

Usage: spf-judge.py RDNSCHECK ZONEDIR [KNOT_ADDR:PORT]
  (default: $RDC_KNOT, else 127.0.0.1:$RDC_KNOT_PORT, else 127.0.0.1:53535)

For every domain with a v=spf1 TXT record in the SPF test zones (spf.test,
mail.test), every candidate address (every address of each small ip4:/ip6:
range and A/AAAA record in those zones, the edges around them, a few fixed
ones, and the IPv4-mapped IPv6 form of each IPv4 one) is given to pyspf, and
rdnscheck --spf DOMAIN --json lists what it authorises. It checks:
  - every address rdnscheck lists, pyspf passes;
  - every candidate pyspf passes, rdnscheck lists, or reports as undecided
    (spf-unsupported-mechanism "undecided: ...") or as a block too large to
    list (spf-range-too-large "...: BLOCK, N addresses, ...");
  - rdnscheck lists no address inside ::ffff:0:0/96, and pyspf gives an
    IPv4-mapped address the result of its IPv4 address.
Exit 0 when all agree, 1 on a disagreement, 77 (CTest: skipped) when pyspf
or dnspython is missing, unless CI=true (then 1).
pyspf's own answers are checked against hand-worked ones first (HAND).
"""
import ipaddress
import json
import os
import re
import subprocess
import sys

try:
    import dns.name
    import dns.rdatatype
    import dns.resolver
    import dns.zone
except ImportError:
    print("spf-judge: python3-dnspython is not installed", file=sys.stderr)
    sys.exit(1 if os.environ.get("CI") == "true" else 77)

# Hand-worked results (RFC 7208 4.6.2, 5.2, 5.3, 4.6.4, 5, 5.7, 6.1) that
# pyspf must give before it is trusted as the judge.
HAND = [
    ("minus-first.spf.test", "198.18.70.129", "pass"),
    ("minus-first.spf.test", "198.18.70.130", "fail"),
    ("soft-first.spf.test", "198.18.70.144", "softfail"),
    ("soft-first.spf.test", "2001:db8:70::1", "neutral"),
    ("soft-first.spf.test", "198.18.70.148", "pass"),
    ("minus-include.spf.test", "198.18.71.1", "fail"),
    ("minus-include.spf.test", "198.18.71.5", "pass"),
    ("include-fails.spf.test", "198.18.71.17", "pass"),
    ("redirect-minus.spf.test", "198.18.72.5", "fail"),
    ("redirect-minus.spf.test", "198.18.71.1", "fail"),
    ("redirect-minus.spf.test", "198.18.71.5", "pass"),
    ("aaaa-only.spf.test", "198.18.73.1", "permerror"),
    ("aaaa-only.spf.test", "2001:db8:73::1", "pass"),
    ("a-only-mx.spf.test", "198.18.73.21", "pass"),
    ("a-only-mx.spf.test", "2001:db8:73::41", "permerror"),
    ("mapped-ip6.spf.test", "::ffff:198.18.74.200", "fail"),
    ("mapped-ip6.spf.test", "198.18.74.9", "fail"),
    ("exists-plain.spf.test", "192.0.2.77", "softfail"),
    ("exists-void.spf.test", "198.18.75.1", "permerror"),
    ("exists-macro.spf.test", "198.18.75.10", "pass"),
    ("exists-minus.spf.test", "198.18.75.13", "fail"),
    ("exists-voids.spf.test", "198.18.75.16", "permerror"),
    ("lookups-per-path.spf.test", "198.18.77.1", "pass"),
    ("lookups-per-path.spf.test", "198.18.77.5", "permerror"),
    ("macro-o.spf.test", "198.18.76.9", "pass"),
    ("macro-o.spf.test", "198.18.76.10", "fail"),
    ("macro-d2r.spf.test", "198.18.76.12", "pass"),
]

FIXED = ["0.0.0.1", "192.0.2.1", "192.0.2.77", "255.255.255.254", "198.18.0.1", "::1",
         "2001:db8::1", "2001:db9::1", "fe80::1"]
ENUM_MAX = 256  # ranges up to this size are enumerated whole
MAPPED = ipaddress.ip_network("::ffff:0:0/96")


def fail(msg):
    print("spf-judge: FAIL: " + msg)
    return 1


def load_zones(zonedir):
    """{domain: [spf records]}, and every A/AAAA address, from the zones."""
    policies, addrs, nets = {}, set(), set()
    for zname in ("spf.test", "mail.test"):
        z = dns.zone.from_file("%s/%s.zone" % (zonedir, zname), origin=zname, relativize=False,
                               check_origin=False)
        for name, node in z.nodes.items():
            dom = name.to_text(omit_final_dot=True).lower()
            for rds in node.rdatasets:
                for rd in rds:
                    if rds.rdtype == dns.rdatatype.TXT:
                        txt = b"".join(rd.strings).decode("ascii", "replace")
                        if txt.lower() == "v=spf1" or txt.lower().startswith("v=spf1 "):
                            policies.setdefault(dom, []).append(txt)
                            for m in re.finditer(r"\bip[46]:(\S+)", txt, re.I):
                                try:
                                    nets.add(ipaddress.ip_network(m.group(1), strict=False))
                                except ValueError:
                                    pass
                    elif rds.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
                        addrs.add(ipaddress.ip_address(rd.address))
    return policies, addrs, nets


def candidates(addrs, nets):
    out = set(ipaddress.ip_address(a) for a in FIXED)
    for n in nets:
        if n.num_addresses <= ENUM_MAX:
            out.update(n)
        else:
            out.update([n.network_address, n.network_address + 1, n.broadcast_address])
        for edge in (-1, n.num_addresses):
            try:
                out.add(n.network_address + edge)
            except (ValueError, ipaddress.AddressValueError):
                pass
    for a in addrs:
        for d in range(-4, 5):
            try:
                out.add(a + d)
            except (ValueError, ipaddress.AddressValueError):
                pass
    out.update([as_sender(a) for a in out])
    v4 = [a for a in out if a.version == 4]
    out.update(ipaddress.ip_address("::ffff:" + str(a)) for a in v4)
    return sorted(out, key=lambda a: (a.version, int(a)))


def as_sender(a):
    """The address a receiver evaluates: IPv4-mapped is IPv4 (RFC 7208 5)."""
    if a.version == 6 and a.ipv4_mapped is not None:
        return a.ipv4_mapped
    return a


def rdnscheck_view(binary, server, domain):
    """(listed addresses, undecided networks, too-large networks)."""
    p = subprocess.run([binary, "--json", "--spf", domain, "-s", server, "--tries", "1",
                        "-t", "1000", "--max-expand", "4096", "-c", "64"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600, check=False)
    listed, undecided, large = set(), [], []
    for line in p.stdout.decode().splitlines():
        o = json.loads(line)
        if o.get("mode") == "spf" and "domain" in o:
            for pr in o.get("problems", []):
                msg = pr.get("message", "")
                if pr["code"] == "spf-unsupported-mechanism" and "undecided: " in msg:
                    text = msg.split("undecided: ", 1)[1]
                    if " and " in text and text.rstrip().endswith("more"):
                        raise RuntimeError("%s: undecided list cut short" % domain)
                    undecided += [ipaddress.ip_network(t.strip()) for t in text.split(",")]
                elif pr["code"] == "spf-range-too-large":
                    m = re.search(r": ([0-9a-fA-F.:]+/\d+), ", msg)
                    if m:
                        large.append(ipaddress.ip_network(m.group(1)))
        elif "ip" in o:
            listed.add(ipaddress.ip_address(o["ip"]))
    if p.returncode not in (0, 1, 2, 3):
        raise RuntimeError("%s: rdnscheck exited %d: %s" % (domain, p.returncode,
                                                            p.stderr.decode()[-500:]))
    return listed, undecided, large


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    binary, zonedir = sys.argv[1:3]
    server = sys.argv[3] if len(sys.argv) == 4 else os.environ.get(
        "RDC_KNOT", "127.0.0.1:" + os.environ.get("RDC_KNOT_PORT", "53535"))
    host, _, port = server.rpartition(":")
    # pyspf asks dns.resolver's default resolver: only the test Knot, never
    # /etc/resolv.conf
    r = dns.resolver.Resolver(configure=False)
    r.nameservers = [host]
    r.port = int(port)
    r.timeout = 2
    r.lifetime = 4
    dns.resolver.default_resolver = r
    try:
        import spf
    except ImportError:
        print("spf-judge: python3-spf is not installed", file=sys.stderr)
        return 1 if os.environ.get("CI") == "true" else 77
    # the zones do not change during the run: one DNS question per name/type
    cache = {}
    lookup = spf.DNSLookup

    def cached(name, qtype, *args, **kw):
        key = (name.lower(), qtype)
        if key not in cache:
            cache[key] = lookup(name, qtype, *args, **kw)
        return cache[key]

    spf.DNSLookup = cached

    def check_host(ip, dom):
        return spf.query(i=str(ip), s="postmaster@" + dom, h=dom).check()[0]

    status = 0
    for dom, ip, want in HAND:
        got = check_host(ip, dom)
        if got != want:
            status = fail("pyspf says %s for %s at %s; worked by hand: %s" % (got, ip, dom, want))
    if status:
        return status
    policies, addrs, nets = load_zones(zonedir)
    cands = candidates(addrs, nets)
    print("spf-judge: %d policies, %d candidate addresses, %d hand-checked answers"
          % (len(policies), len(cands), len(HAND)))
    for dom in sorted(policies):
        listed, undecided, large = rdnscheck_view(binary, server, dom)
        results = {}
        for a in cands:
            results[a] = check_host(a, dom)
        passed = set()
        for a in cands:
            if a.version == 6 and a.ipv4_mapped is not None:
                if results[a] != results[as_sender(a)]:
                    status = fail("%s: pyspf gives %s %s but %s %s" % (
                        dom, a, results[a], as_sender(a), results[as_sender(a)]))
                continue
            if results[a] == "pass":
                passed.add(a)
        for a in sorted(listed, key=lambda x: (x.version, int(x))):
            if a.version == 6 and a in MAPPED:
                status = fail("%s: rdnscheck lists IPv4-mapped %s" % (dom, a))
            elif a in cands and results[a] != "pass":
                status = fail("%s: rdnscheck lists %s, pyspf says %s" % (dom, a, results[a]))
            elif a not in cands and check_host(a, dom) != "pass":
                status = fail("%s: rdnscheck lists %s, pyspf says %s"
                              % (dom, a, check_host(a, dom)))
        for a in sorted(passed - listed, key=lambda x: (x.version, int(x))):
            if any(a in n for n in undecided):
                continue
            if any(a in n for n in large):
                continue
            status = fail("%s: pyspf passes %s; rdnscheck neither lists it nor reports it "
                          "undecided" % (dom, a))
        print("spf-judge: %-28s %4d listed, %4d candidates pass, %d undecided blocks, "
              "%d too large" % (dom, len(listed), len(passed), len(undecided), len(large)))
    return status


if __name__ == "__main__":
    sys.exit(main())
