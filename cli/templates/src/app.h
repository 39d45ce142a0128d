/*
 * app.h: the application's entity and its pieces, shared by main.c and
 * the test.
 */
#ifndef APP_H
#define APP_H

#include <nitro.h>

/*
 * A note, declared once as a field list.  NITRO_ENTITY makes struct note
 * and note_init(), note_save(), note_get(), note_query(), note_clear()...;
 * app.c holds the schema (NITRO_ENTITY_DEFINE).  The constraints are
 * checked by every save; the SQLite repository makes the table.
 */
#define NOTE_FIELDS(X) \
	X(id,    INT,  NITRO_F_ID) \
	X(title, TEXT, NITRO_F_REQUIRED, NITRO_F_MINLEN(1), NITRO_F_MAXLEN(200)) \
	X(done,  BOOL, NITRO_F_DEFAULT("false"))
NITRO_ENTITY(note, NOTE_FIELDS)

/* The routes: GET / (the page), POST /notes (add one), GET /sse/notes
 * (the list, live). */
int app_routes(nitro_app *app);

/* Write <ul id="notes"> with every note; *newest (may be NULL) gets the
 * highest id written. */
int app_view_notes(nitro_html *h, int64_t *newest);

/* Save a note with this title: 0, or NITRO_EVALIDATE with the reason in
 * nitro_errmsg(). */
int app_add_note(const char *title);

/* Accounts (accounts.c): GET and POST /signup and /login, POST /logout,
 * and GET /account, which only a signed-in user may see. */
int app_account_routes(nitro_app *app, nitro_auth *auth);

#endif
