/*
 * status.c — the bottom line: mode badges (LIVE as text, so it survives
 * NO_COLOR), the redacted key, when the data shown last changed as a clock
 * time (an idle screen stays still: nothing here ticks), stale since when,
 * counts, then the message, the last API error or the key hints.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "chargetui/store.h"
#include "chargetui/timefmt.h"
#include "ui_priv.h"

struct status_pen {
	WINDOW *w;
	int x, width;
};

static void st_put(struct status_pen *s, const char *text, enum theme_elem e)
{
	int room = s->width - s->x;
	if (room <= 0 || !text || !*text)
		return;
	s->x += text_put(s->w, 0, s->x, room, text, 0, theme_attr(e));
}

static void st_gap(struct status_pen *s)
{
	st_put(s, " ", TE_STATUS);
}

static void st_badges(struct ui *ui, struct status_pen *s, bool brief)
{
	if (ui->o.live)
		st_put(s, " LIVE ", TE_BADGE_LIVE);
	else
		st_put(s, " TEST ", TE_BADGE_TEST);
	if (ui->o.kiosk) {
		st_gap(s);
		st_put(s, " KIOSK ", TE_BADGE_READONLY);
	} else if (ui->o.read_only) {
		st_gap(s);
		st_put(s, " READ-ONLY ", TE_BADGE_READONLY);
	}
	st_gap(s);
	/* On a narrow screen, or beside a long message, the message matters
	 * more than who we are. */
	if (s->width < 100 || brief)
		return;
	if (ui->o.account && *ui->o.account) {
		st_put(s, ui->o.account, TE_STATUS);
		st_gap(s);
	}
	/* SEC-3: only the redacted form ever reaches the screen. */
	if (ui->o.key_redacted && !ui->o.kiosk) {
		st_put(s, ui->o.key_redacted, TE_STATUS);
		st_gap(s);
	}
}

/* The clock is when the data on screen last changed or loaded (data_ms,
 * see reply.c), not when it was last polled: a refresh round that finds
 * nothing new leaves the whole screen as it was, so an idle console writes
 * nothing.  It shows the minute, not the second, so that a round which
 * does change values does not also rewrite the clock each time (the
 * refresh budget: about 12 B per changed value).  Freshness is said by
 * what is absent: no "stale" means the last round succeeded, i.e. the
 * values were confirmed within one refresh period.  When a round fails
 * the marker appears at once with the last good refresh's time, to the
 * second. */
static void st_refresh(struct ui *ui, struct status_pen *s)
{
	char buf[64], hms[16];
	ts_format_clock(ui->data_ms, false, hms, sizeof(hms));
	snprintf(buf, sizeof(buf), "%s %s", text_glyph("⟳", "@"), hms);
	st_put(s, buf, TE_STATUS);
	st_gap(s);
	if (ui->stale) {
		if (ui->refreshed_ms > 0) {
			ts_format_clock(ui->refreshed_ms, true, hms, sizeof(hms));
			snprintf(buf, sizeof(buf), " stale since %s ", hms);
		} else {
			snprintf(buf, sizeof(buf), " stale ");
		}
		st_put(s, buf, TE_STALE);
		st_gap(s);
	}
}

static void st_counts_text(struct ui *ui, char *buf, size_t n, char *marked, size_t mn)
{
	snprintf(buf, n, "%zu fleets %s %zu drivers%s", store_fleet_count(ui->store),
		 text_glyph("·", "-"), store_driver_count(ui->store),
		 ui->loading_fleets || ui->loading_drivers ? text_glyph(" loading…", " loading...")
							   : "");
	marked[0] = '\0';
	if (ui->marks.n)
		snprintf(marked, mn, "%zu marked", ui->marks.n);
}

/* Columns st_counts takes, its gaps included. */
static int st_counts_width(struct ui *ui)
{
	char buf[96], marked[32];
	st_counts_text(ui, buf, sizeof(buf), marked, sizeof(marked));
	return text_width(buf) + 2 + (marked[0] ? text_width(marked) + 2 : 0);
}

static void st_counts(struct ui *ui, struct status_pen *s)
{
	char buf[96], marked[32];
	st_counts_text(ui, buf, sizeof(buf), marked, sizeof(marked));
	st_put(s, buf, TE_STATUS);
	st_put(s, "  ", TE_STATUS);
	if (marked[0]) {
		st_put(s, marked, TE_ROW_MARKED);
		st_put(s, "  ", TE_STATUS);
	}
}

/* "? help  / filter  : command  Tab pane  q quit", from the key map as it
 * is now, so a rebound key shows its new key. */
static void st_hints(struct ui *ui, struct status_pen *s)
{
	static const struct {
		int action;
		const char *label;
	} hints[] = {
		{ACT_HELP, "help"},	   {ACT_FILTER, "filter"},   {ACT_COMMAND, "command"},
		{ACT_NEXT_PANE, "pane"}, {ACT_QUIT, "quit"},
	};
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		char keys[64], buf[96];
		const char *why;
		if (!action_allowed(hints[i].action, ui->o.read_only, ui->o.kiosk, &why))
			continue;
		keymap_keys_of(hints[i].action, keys, sizeof(keys));
		keys[strcspn(keys, " ")] = '\0';
		if (!keys[0])
			continue;
		if (strcmp(keys, "<Tab>") == 0)
			snprintf(keys, sizeof(keys), "Tab");
		snprintf(buf, sizeof(buf), "%s %s  ", keys, hints[i].label);
		st_put(s, buf, TE_STATUS);
	}
}

/* One layout of the line; brief leaves out the account, the key and the
 * counts.  Returns whether the message (if any) got all its columns. */
static bool st_layout(struct ui *ui, WINDOW *w, int width, bool brief)
{
	werase(w);
	struct status_pen s = {w, 0, width};
	st_badges(ui, &s, brief);
	st_refresh(ui, &s);
	/* A message (a save's confirmation, why an attach failed, an API
	 * error and its request id) is read once; the counts are there again
	 * next time, so they give way first. */
	const char *msg = ui->message[0] ? ui->message : ui->error[0] ? ui->error : NULL;
	if (!msg) {
		st_counts(ui, &s);
		st_hints(ui, &s);
		return true;
	}
	if (!brief && s.x + st_counts_width(ui) + text_width(msg) <= width)
		st_counts(ui, &s);
	bool fits = s.x + text_width(msg) <= width;
	st_put(&s, msg, ui->message[0] && !ui->message_error ? TE_MESSAGE : TE_ERROR);
	return fits;
}

void status_draw(struct ui *ui)
{
	WINDOW *w = ui->status;
	if (!w)
		return;
	int width = getmaxx(w);
	leaveok(w, TRUE);
	wbkgdset(w, (chtype)theme_attr(TE_STATUS) | ' ');
	/* Drawn into the window only; curses sends just the final cells. */
	if (!st_layout(ui, w, width, false))
		st_layout(ui, w, width, true);
	wnoutrefresh(w);
}
