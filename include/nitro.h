/* <nitro.h>: the whole Nitro API. */
#ifndef NITRO_H
#define NITRO_H

#include <nitro/auth.h>
#include <nitro/core.h>
#include <nitro/db.h>
#include <nitro/fcgi.h>
#include <nitro/pg.h>
#include <nitro/sql.h>
#include <nitro/views.h>

#endif
