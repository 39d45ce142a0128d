#!/usr/bin/env bash
# test_todomvc.sh with TodoMVC's store in PostgreSQL (a throwaway cluster
# from tests/pg_lib.sh), chosen by NITRO_DB alone: the example's code is
# the same, its live streams follow PostgreSQL's event transport.
TODOMVC_STORE=pg exec bash "${top_srcdir:-.}/tests/integration/test_todomvc.sh"
