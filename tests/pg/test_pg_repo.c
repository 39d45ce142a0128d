/* What only the PostgreSQL repository does: placeholder replaced below. */
#include "tests/unit/t.h"
int main(void) { return t_done(); }
