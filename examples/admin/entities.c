/*
 * The two entities, their tables and their forms: everything the pages
 * show comes from these schemas (labels, input types, constraints, the
 * columns, the select of customers in the order form).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nitro/db.h>

#include "admin.h"

#define CUSTOMER(X) \
	X(id,    INT,  NITRO_F_ID) \
	X(name,  TEXT, NITRO_F_REQUIRED, NITRO_F_MAXLEN(80), NITRO_F_ORDER(1), \
	    NITRO_F_MSG(REQUIRED, "Give the customer a name")) \
	X(email, TEXT, NITRO_F_REQUIRED, NITRO_F_FORMAT("email"), NITRO_F_MAXLEN(120), \
	    NITRO_F_PATTERN("^[^@ ]+@[^@ ]+\\.[^@ ]+$"), NITRO_F_LABEL("E-mail"), \
	    NITRO_F_PLACEHOLDER("name@example.com"), NITRO_F_ORDER(2), \
	    NITRO_F_MSG(PATTERN, "An address like name@example.com")) \
	X(vip,   BOOL, NITRO_F_LABEL("VIP"), NITRO_F_ORDER(3)) \
	X(since, TIME, NITRO_F_FORMAT("date"), NITRO_F_LABEL("Customer since"), NITRO_F_ORDER(4))
NITRO_ENTITY(customer, CUSTOMER)
NITRO_ENTITY_DEFINE(customer, CUSTOMER);

#define ORDER(X) \
	X(id,          INT,  NITRO_F_ID) \
	X(customer_id, INT,  NITRO_F_REF("customer"), NITRO_F_REQUIRED, \
	    NITRO_F_LABEL("Customer"), NITRO_F_ORDER(1), \
	    NITRO_F_MSG(REQUIRED, "Choose the customer")) \
	X(item,        TEXT, NITRO_F_REQUIRED, NITRO_F_MAXLEN(80), NITRO_F_ORDER(2)) \
	X(quantity,    INT,  NITRO_F_MIN(1), NITRO_F_MAX(1000), NITRO_F_DEFAULT("1"), \
	    NITRO_F_ORDER(3), NITRO_F_MSG(MIN, "At least one"), \
	    NITRO_F_MSG(TYPE, "A whole number")) \
	X(total,       REAL, NITRO_F_MIN(0), NITRO_F_ORDER(4), NITRO_F_HELP("In euros")) \
	X(note,        TEXT, NITRO_F_MAXLEN(2000), NITRO_F_WIDGET("textarea"), NITRO_F_ORDER(5))
NITRO_ENTITY(order, ORDER)
NITRO_ENTITY_DEFINE(order, ORDER);

/* An order's customer by name, not by id. */
static int customer_cell(nitro_html *h, const nitro_schema *s, const nitro_field *f,
    const void *row, void *udata)
{
	const struct order *o = row;
	struct customer c;
	int rc;

	(void)s, (void)f, (void)udata;
	customer_init(&c);
	rc = customer_get(nitro_id_int(o->customer_id), &c);
	if (rc == 0 || rc == NITRO_ENOTFOUND)
		rc = nitro_html_text(h, rc == 0 && c.name ? c.name : "(deleted)");
	customer_clear(&c);
	return rc;
}

static const struct nitro_table_action customer_actions[] = {
	{ "Edit", "get", "/customers/{id}/edit", NULL },
	{ "Delete", "get", "/customers/{id}/delete", "danger" },
};
static const struct nitro_table_action order_actions[] = {
	{ "Edit", "get", "/orders/{id}/edit", NULL },
	{ "Delete", "get", "/orders/{id}/delete", "danger" },
};
static const struct nitro_table_col order_cols[] = {
	{ .field = "id", .label = "No." },
	{ .field = "customer_id", .fmt = customer_cell },
	{ .field = "item" },
	{ .field = "quantity" },
	{ .field = "total" },
};

const struct nitro_table admin_customer_table = {
	.schema = &customer_schema, .id = "customers", .url = "/customers/table",
	.actions = customer_actions, .nactions = 2,
	.bulk_url = "/customers/bulk-delete", .live_url = "/customers/live",
	.size = 10, .empty = "No customers yet.",
};
const struct nitro_table admin_order_table = {
	.schema = &order_schema, .id = "orders", .url = "/orders/table",
	.cols = order_cols, .ncols = sizeof order_cols / sizeof *order_cols,
	.actions = order_actions, .nactions = 2,
	.bulk_url = "/orders/bulk-delete", .live_url = "/orders/live",
	.size = 10, .empty = "No orders yet.", .title_field = "item",
};

/* The order form picks its customer from a select of customers by name. */
static const struct nitro_form_ref order_refs[] = {
	{ .field = "customer_id", .schema = &customer_schema, .label = "name" },
};

const struct crud admin_customers = {
	.schema = &customer_schema, .table = &admin_customer_table, .base = "/customers",
	.noun = "customer", .title = "Customers",
};
const struct crud admin_orders = {
	.schema = &order_schema, .table = &admin_order_table, .base = "/orders",
	.noun = "order", .title = "Orders", .refs = order_refs, .nrefs = 1,
};

int admin_entities_bind(nitro_repo *repo)
{
	if (nitro_entity_bind(&customer_schema, repo, NULL) != 0)
		return -1;
	return nitro_entity_bind(&order_schema, repo, NULL);
}

static int seed_rows(long n)
{
	static const char *const names[] = { "Ada", "Grace", "Linus", "Barbara", "Ken",
	    "Dennis", "Margaret", "Edsger", "Donald", "Frances" };
	static const char *const items[] = { "Keyboard", "Monitor", "Cable", "Desk", "Lamp" };
	int rc = 0;

	for (long i = 0; i < n && rc == 0; i++) {
		struct customer c;
		char name[64], email[80];

		customer_init(&c);
		snprintf(name, sizeof name, "%s %03ld", names[i % 10], i + 1);
		snprintf(email, sizeof email, "c%03ld@example.com", i + 1);
		c.name = strdup(name);
		c.email = strdup(email);
		c.vip = i % 4 == 0;
		c.since = 1763700000000LL + i * 86400000LL;
		rc = c.name && c.email ? customer_save(&c) : NITRO_ENOMEM;
		if (rc == 0) {	/* and an order of theirs */
			struct order o;

			order_init(&o);
			o.customer_id = c.id;
			o.item = strdup(items[i % 5]);
			o.quantity = i % 3 + 1;
			o.total = (double)(i * 17 % 300) + 0.5;
			rc = o.item ? order_save(&o) : NITRO_ENOMEM;
			order_clear(&o);
		}
		customer_clear(&c);
	}
	return rc;
}

int admin_seed(nitro_repo *repo, long n)
{
	size_t have = 0;
	int rc;

	if (n <= 0)
		return 0;
	/* One unit of work: workers starting together seed once. */
	if ((rc = nitro_db_begin(repo)) < 0)
		return rc;
	if ((rc = customer_count(NULL, &have)) == 0 && have == 0)
		rc = seed_rows(n);
	return rc == 0 ? nitro_db_commit(repo) : (nitro_db_rollback(repo), rc);
}
