#!/usr/bin/env bash
# test_new.sh with the generated application's store in PostgreSQL (a
# throwaway cluster from tests/pg_lib.sh), chosen by NITRO_DB alone: the
# skeleton is not edited; `nitro db` migrates the database, then its flow
# (notes, live stream, signup, login, account, logout) runs through nginx.
NEW_STORE=pg exec bash "${top_srcdir:-.}/tests/integration/test_new.sh"
