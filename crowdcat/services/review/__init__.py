"""Review: the reviewers' queue and their decisions on entries (approve, correct, send back).

decisions (every decision audited, version-checked), queue (what waits, in which order),
values (what is proposed and checking what a reviewer typed).
"""
