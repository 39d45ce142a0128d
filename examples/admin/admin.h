/*
 * examples/admin: a small back office over customers and their orders,
 * built only from Nitro's schema-driven pieces (see main.c).
 */
#ifndef ADMIN_H
#define ADMIN_H

#include <nitro.h>

/* One entity's pages: its table, its dialog form, its routes under base. */
struct crud {
	nitro_schema *schema;
	const struct nitro_table *table;
	const char *base;		/* "/customers": every route below it */
	const char *noun;		/* "customer": dialog ids, signals, messages */
	const char *title;		/* "Customers": the page */
	const struct nitro_form_ref *refs;	/* selects for its references */
	size_t nrefs;
};

extern const struct crud admin_customers, admin_orders;
extern const struct nitro_table admin_customer_table, admin_order_table;

/* Customers and orders bound to repo; n of each made when both are empty. */
int admin_entities_bind(nitro_repo *repo);
int admin_seed(nitro_repo *repo, long n);

/* The page shell: head, the navigation, the theme toggle, sign-out. */
void admin_page_begin(nitro_html *h, const char *title, int signed_in);
int admin_page_send(nitro_req *req, nitro_html *h, int status);

/* crud.c: the handlers (udata: a struct crud). */
int crud_page(nitro_req *req, void *crud);
int crud_new(nitro_req *req, void *crud);
int crud_edit(nitro_req *req, void *crud);
int crud_create(nitro_req *req, void *crud);
int crud_update(nitro_req *req, void *crud);
int crud_confirm(nitro_req *req, void *crud);
int crud_delete(nitro_req *req, void *crud);

#endif
