"""The one guarded path out: connections to addresses that users typed in, kept from reaching inside.

A feed URL is untrusted input. Fetched naively by the server, it lets any user make Refrain request
its own admin ports, the cloud's metadata service (and the machine's credentials with it) or any
host of the internal network, and read the answer back on the feed's page: server-side request
forgery (SSRF). A hostile server can also hold a worker forever by trickling bytes, or exhaust its
memory with an endless or gzip-bombed body.

So an outbound connection resolves the host name itself and refuses any address that isn't public
unless the admin allowed it (REFRAIN_FETCH_ALLOW); then connects to that very address, because a
second DNS lookup could answer differently (DNS rebinding), while the real host name goes in the
Host header, in SNI and in the certificate check. One deadline covers the whole exchange. Proxies
from the environment are deliberately not used.

* ``guard``: which addresses are refused, and what the admin allows (no sockets: any client can ask);
* ``connection``: a socket to a checked address of a host, TLS included, held to a deadline;
* ``client``: ``fetch``, the bounded GET for feeds over such connections, every redirect checked again;
* ``body``: an answer's body read within a size cap, after decompression;
* ``errors``: what goes wrong, in words for the feed's page.
"""
