/*
 * The auth layer's entities.  They are ordinary entities, bound by
 * nitro_auth_new() to the application's repository, so every store
 * behind the repository interface keeps them with no code of its own.
 */
#include "auth/internal.h"

NITRO_ENTITY_DEFINE(nitro_session, NITRO__SESSION_FIELDS);
NITRO_ENTITY_DEFINE(nitro_account, NITRO__ACCOUNT_FIELDS);
NITRO_ENTITY_DEFINE(nitro_throttle, NITRO__THROTTLE_FIELDS);

const nitro_schema *const *nitro_auth_schemas(void)
{
	static const nitro_schema *const all[] = {
		&nitro_account_schema, &nitro_session_schema, &nitro_throttle_schema, NULL
	};

	return all;
}
