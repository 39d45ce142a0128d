#!/usr/bin/env bash
# test_live_example.sh with examples/live's store and event log in
# PostgreSQL (a throwaway cluster from tests/pg_lib.sh), chosen by NITRO_DB
# alone: the same program and checks, its two workers' streams following
# PostgreSQL's event transport, replay and nitro.gap read from its log.
LIVE_STORE=pg exec bash "${top_srcdir:-.}/tests/integration/test_live_example.sh"
