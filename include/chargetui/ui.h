/*
 * ui.h — the console: the main loop, the action table, and the seams the
 * edit forms plug into.  UI thread only, everything here.
 *
 * ONE action table (NeoMutt's function table with CHECK_READONLY) is read by
 * the key map, the help screen `?`, the `:` command line (":name" runs an
 * action) and the read-only / kiosk checks.  A key press is resolved to an
 * action; if the action writes and the console is read-only it is refused
 * right there, before any pane or handler sees it.  Otherwise the top dialog,
 * then the focused pane, then the action's own handler get it, in that order,
 * until one returns UI_HANDLED.
 *
 * How the forms plug in (see also pane.h):
 *  1. The write actions (edit, new, attach, detach, delete, set-status) are
 *     already rows of the table, with keys and help, and writes = true.
 *     Install a handler with action_set_handler(ACT_EDIT, my_edit).  An
 *     action with no handler answers "edit: not available in this build".
 *  2. An entirely new action: action_register() before ui_run(); it gets an
 *     id, is bindable from [keys], listed in help and runnable as :name.
 *  3. Registration happens in ui_extensions_init() (src/ui/extensions.c),
 *     which ui_actions_init() calls once: add one line there per module.
 *     (The edit forms' edit_actions_register() is already there.)
 *  4. A handler opens a form as a dialog (ui_dialog_push), reads the
 *     selection (ui_selection), submits jobs with ui_submit() and receives
 *     their replies in its pane's reply() callback.  The callback sees the
 *     reply as it came (r->driver, r->fleet intact); the store takes the
 *     records right after it returns.  A dialog may close itself from the
 *     callback with ui_dialog_close().
 *  5. A bulk action reads the marked drivers with ui_marked() (Space, M and
 *     U are the UI's own; the marks are refused in read-only like writes).
 *  6. Text: everything from the API goes through text_put() (pane.h) or
 *     san_display(); colours come from theme_attr(TE_*) (theme.h), so a
 *     dialog follows the theme and NO_COLOR like the rest.
 */
#ifndef CHARGETUI_UI_H
#define CHARGETUI_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "chargetui/model.h"
#include "chargetui/pane.h"
#include "chargetui/theme.h"

struct store;
struct sync;
struct job;
struct reply;

enum action_id {
	ACT_NONE = 0,
	ACT_QUIT,
	ACT_HELP,
	ACT_COMMAND,
	ACT_FILTER,
	ACT_ESCAPE,
	ACT_REFRESH,
	ACT_REDRAW,
	ACT_DOWN,
	ACT_UP,
	ACT_PAGE_DOWN,
	ACT_PAGE_UP,
	ACT_TOP,
	ACT_BOTTOM,
	ACT_NEXT_PANE,
	ACT_PREV_PANE,
	ACT_PANE_LEFT,
	ACT_PANE_RIGHT,
	ACT_OPEN,
	ACT_ALL_DRIVERS,
	ACT_ZOOM,
	ACT_SORT_NEXT,
	ACT_SORT_REVERSE,
	ACT_SORT_1,
	ACT_SORT_2,
	ACT_SORT_3,
	ACT_SORT_4,
	ACT_SORT_5,
	ACT_SORT_6,
	/* Actions that write: refused in read-only and kiosk mode.  Their
	 * handlers come from the forms module (action_set_handler). */
	ACT_EDIT,
	ACT_NEW,
	ACT_ATTACH,
	ACT_DETACH,
	ACT_DELETE,
	ACT_SET_STATUS,
	ACT_MARK,
	ACT_MARK_ALL,
	ACT_UNMARK_ALL,
	ACT_BUILTIN_COUNT
};

struct ui;
typedef unsigned (*action_fn)(struct ui *ui, int action);

struct action {
	const char *name; /* ":name", [keys] name = KEY, help screen */
	const char *keys; /* default keys, space separated: "j <Down>" (see action_key_parse) */
	const char *help; /* one line for the help screen */
	bool writes;      /* refused when read-only (CHECK_READONLY) */
	bool kiosk_ok;    /* allowed in --kiosk (quit, the command line and writes are not) */
	action_fn run;    /* global handler; NULL: only panes handle it */
};

/* The table: action_get(id) for 1 <= id < action_count(). */
const struct action *action_get(int id);
int action_count(void);
int action_by_name(const char *name); /* ACT_NONE when unknown */
/* Add an action (copied; strings must outlive the program).  Returns its id,
 * or -1 when the table is full or the name is taken. */
int action_register(const struct action *a);
void action_set_handler(int id, action_fn fn);

/* Key specs: "x", "G", "?", "C-x" (Ctrl), "<Up>" "<Down>" "<Left>" "<Right>"
 * "<PageUp>" "<PageDown>" "<Home>" "<End>" "<Enter>" "<Tab>" "<BackTab>"
 * "<Esc>" "<Space>" "<Backspace>" "<Delete>" "<F1>".."<F12>".  0 on success. */
int action_key_parse(const char *spec, struct key_event *out);
/* "j", "<Down>", "C-l" — for help.  Returns buf. */
char *action_key_name(const struct key_event *k, char *buf, size_t n);

/* Once per process: register the other modules' actions (extensions.c)
 * and build the key map from the defaults.  ui_new() calls it too. */
void ui_actions_init(void);

/* The key map, built from the default keys; rebinding replaces a key's
 * action.  keymap_bind() returns 0, or -1 for a bad key or action name. */
void keymap_reset(void);
int keymap_bind(const char *action_name, const char *key_spec);
int keymap_lookup(const struct key_event *k);
/* The keys bound to an action now, as "j <Down>" (for help).  Returns buf. */
char *keymap_keys_of(int action, char *buf, size_t n);

/* Whether an action may run now; when not, *why says so ("read-only"). */
bool action_allowed(int action, bool read_only, bool kiosk, const char **why);

/* --- the console --- */

struct ui_options {
	struct store *store;   /* borrowed; the UI thread owns it from now on */
	struct sync *sync;     /* borrowed; NULL runs without network (tests) */
	const char *theme;     /* theme name, NULL: "default" */
	const char *key_redacted; /* "ch_sk_test_…abcd" for the status line, or NULL */
	const char *account;   /* profile or "demo", for the title */
	bool live;             /* a live key: LIVE badge */
	bool read_only;
	bool kiosk;
	double kiosk_rotate_s;  /* --rotate: seconds per fleet on the wall, 0: 15 */
	int in_fd;             /* the terminal's input fd (poll), normally 0 */
	int signal_fd;         /* signalfd of the blocked signals, or -1 */
	bool no_color;         /* NO_COLOR set */
};

/* Needs curses started (term_start).  NULL with err set on failure. */
struct ui *ui_new(const struct ui_options *o, char *err, size_t n);
/* Run until quit, a fatal signal or a hang-up.  Returns the exit code:
 * 0 after q / :q, 128+signal after SIGTERM/SIGINT/SIGHUP/SIGQUIT, 129 after a
 * hang-up (EOF/EIO on the terminal, TTY-5). */
int ui_run(struct ui *ui);
/* True when ui_run ended on a hang-up (the terminal is gone). */
bool ui_hung_up(const struct ui *ui);
void ui_free(struct ui *ui);

/* For tests and the forms: draw everything once into curses' buffers and
 * doupdate(). */
void ui_draw(struct ui *ui);
/* Lay the panes out again for the current screen size (as after SIGWINCH). */
void ui_layout_for_tests(struct ui *ui);
/* Feed one key as if typed; returns the reaction flags. */
unsigned ui_key(struct ui *ui, int code, bool is_code);
/* Apply a list of replies (as the loop does with sync_take); takes ownership. */
void ui_apply_replies(struct ui *ui, struct reply *list);

/* --- seams for forms and dialogs --- */
struct store *ui_store(struct ui *ui);
struct sync *ui_sync(struct ui *ui);
bool ui_read_only(const struct ui *ui);
struct ui_selection {
	const struct fleet *fleet;   /* selected fleet, or NULL */
	const struct driver *driver; /* selected driver, or NULL */
	bool driver_focus;           /* the driver side has the focus */
	const char *scope_fleet_id;  /* the drivers list shows this fleet, or NULL (all) */
};
struct ui_selection ui_selection(struct ui *ui);
/* The drivers marked for a bulk action (space, M; U clears), as sorted ids
 * owned by the UI; valid until the next key or reply.  *n = 0 when none. */
const char *const *ui_marked(struct ui *ui, size_t *n);
void ui_unmark_all(struct ui *ui);
void ui_dialog_push(struct ui *ui, struct pane *dialog);
/* Remove a dialog from anywhere in the stack and free it (pane_free); its
 * pending replies are dropped.  Safe from its own reply() callback, not from
 * its key() (return UI_CLOSE there). */
void ui_dialog_close(struct ui *ui, struct pane *dialog);
/* A one-line message on the status line until the next key.  fmt is our own
 * text; API strings in args must have gone through san_display already. */
void ui_message(struct ui *ui, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Submit a job; its replies go to owner's reply() callback (if owner is
 * non-NULL and still open), then to the store.  Returns the job id (0 without
 * a sync: the job is cleared and nothing is sent). */
uint64_t ui_submit(struct ui *ui, struct job *job, struct pane *owner);
/* Once at start: register the extra actions of other modules. */
void ui_extensions_init(void);

#endif
