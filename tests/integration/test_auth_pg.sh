#!/usr/bin/env bash
# test_auth.sh with the accounts and sessions in PostgreSQL (a throwaway
# cluster from tests/pg_lib.sh): the auth layer's entities need nothing of
# the store but the repository interface.
AUTH_STORE=pg exec bash "${top_srcdir:-.}/tests/integration/test_auth.sh"
