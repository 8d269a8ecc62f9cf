"""Verifies every DKIM signature of every message file given, with dkimpy, asking the DNS server given.

usage: dkimpy_verify.py HOST PORT FILE...
Prints one line per file: "PASS <file>" or "FAIL <file> <reason>". Exit status 0 when all pass.
"""
import sys

import dkim
import dns.resolver


def main():
    host, port, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [host]
    resolver.port = port
    resolver.lifetime = 5

    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        try:
            answer = resolver.resolve(name.rstrip('.'), 'TXT')
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return b''
        return b''.join(b''.join(r.strings) for r in answer)

    failed = 0
    for f in files:
        with open(f, 'rb') as fh:
            message = fh.read()
        header = message.split(b'\r\n\r\n', 1)[0]
        signatures = sum(1 for line in header.split(b'\r\n') if line.lower().startswith(b'dkim-signature:'))
        ok, reason = signatures > 0, 'no DKIM-Signature'
        for idx in range(signatures):  # every signature must verify
            d = dkim.DKIM(message)
            try:
                if not d.verify(idx=idx, dnsfunc=dnsfunc):
                    ok, reason = False, 'signature %d did not verify' % idx
            except Exception as e:  # dkimpy raises for malformed signatures and key records
                ok, reason = False, 'signature %d: %s: %s' % (idx, type(e).__name__, e)
        if ok:
            print('PASS %s' % f)
        else:
            failed += 1
            print('FAIL %s %s' % (f, reason))
    sys.exit(1 if failed else 0)


main()
