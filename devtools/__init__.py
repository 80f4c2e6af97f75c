"""Development tools: the call and chat simulators and the loopback Twilio peers.

They play Twilio's part against a running hotline (tests, benchmarks, ``hotline call``
and ``hotline chat``). No product package imports this one; the CLI imports it lazily.
"""
