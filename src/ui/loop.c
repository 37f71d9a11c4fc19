/*
 * loop.c — the main loop (TTY-1, TTY-2, TTY-5): one poll() over the
 * terminal, the sync wake pipe and the signalfd; no timeout unless a change
 * highlight must expire, so an idle console sleeps and writes nothing.  Keys
 * and replies only change state and set flags; the screen is drawn once per
 * turn, after everything that woke us was handled.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "chargetui/sync.h"
#include "chargetui/term.h"
#include "ui_priv.h"

/* More immediate ERRs than this from a "readable" terminal is a dead one
 * (the nwipe guard, TTY-5). */
#define LOOP_MAX_EMPTY_READS 50

static void loop_react(struct ui *ui, unsigned r)
{
	if (r & UI_QUIT) {
		ui->quit = true;
		ui->exit_code = 0;
	}
	if (r & UI_RELAYOUT)
		ui_layout(ui);
	if (r & UI_REPAINT)
		ui->repaint = true;
	if (r & (UI_REDRAW | UI_RELAYOUT | UI_REPAINT))
		ui->dirty = true;
}

/* Returns the number of keys read; -1 when the terminal is gone. */
static int loop_read_keys(struct ui *ui, int *empty_reads)
{
	int keys = 0;
	for (;;) {
		wint_t ch;
		int rc = wget_wch(stdscr, &ch);
		if (rc == ERR)
			break;
		keys++;
		loop_react(ui, ui_key(ui, (int)ch, rc == KEY_CODE_YES));
		if (ui->quit)
			break;
	}
	if (keys) {
		*empty_reads = 0;
		return keys;
	}
	/* poll said readable but curses got nothing: EOF or EIO on a hung-up
	 * tty looks exactly like this (an escape sequence still arriving does
	 * too, once or twice, which is why it takes a run of them). */
	return ++*empty_reads > LOOP_MAX_EMPTY_READS ? -1 : 0;
}

static void loop_signal(struct ui *ui, int fd)
{
	struct signalfd_siginfo si;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGWINCH:
			term_resize();
			ui_layout(ui);
			break;
		case SIGTSTP:
			if (ui->o.kiosk) /* no way out to a shell in kiosk mode */
				break;
			term_suspend();
			ui_layout(ui);
			ui->repaint = true;
			break;
		case SIGCONT: ui->repaint = true; break;
		default: /* SIGTERM SIGINT SIGHUP SIGQUIT */
			ui->quit = true;
			ui->exit_code = 128 + (int)si.ssi_signo;
			if (si.ssi_signo == SIGHUP)
				ui->hung_up = true;
			break;
		}
		ui->dirty = true;
	}
}

/* A refresh round's replies come a GET apart (about 50 ms once the rate
 * bucket's burst is spent).  Drawing each alone would switch the highlight's
 * attributes on and off for every value; waiting for the rest of the round,
 * at most LOOP_GATHER_MS, draws them in one update.  Anything else (a user's
 * job, a key, a signal, the round's end) stops the wait at once. */
#define LOOP_GATHER_MS 250

static bool loop_mid_round(const struct reply *list)
{
	for (const struct reply *r = list; r; r = r->next)
		if (r->origin != ORIGIN_REFRESH || r->kind == REPLY_REFRESH_STATUS)
			return false;
	return list != NULL;
}

static void loop_take_replies(struct ui *ui)
{
	double until = ui_now() + LOOP_GATHER_MS / 1000.0;
	for (;;) {
		struct reply *list = sync_take(ui->sync);
		bool gather = loop_mid_round(list);
		ui_apply_replies(ui, list);
		int ms = (int)((until - ui_now()) * 1000.0);
		if (!gather || !ui->dirty || ms <= 0)
			return;
		struct pollfd p[3] = {
			{.fd = sync_wake_fd(ui->sync), .events = POLLIN},
			{.fd = ui->o.in_fd, .events = POLLIN},
			{.fd = ui->o.signal_fd, .events = POLLIN},
		};
		if (poll(p, 3, ms) <= 0 || p[1].revents || p[2].revents)
			return;
	}
}

/* How long poll may sleep: until the nearest highlight expires, else for
 * ever (-1).  It runs before the turn's draw: once the first highlight is
 * due, hl_prune drops it together with those due soon after it, and this
 * turn's draw must take them all off the screen, or the later ones would
 * stay highlighted until something else drew. */
static int loop_timeout(struct ui *ui)
{
	double now = ui_now();
	if (ui->hl.n && now >= ui->hl.next)
		ui->dirty = true;
	double next = hl_prune(&ui->hl, now);
	if (ui->rotate_at > 0 && (next < 0 || ui->rotate_at < next))
		next = ui->rotate_at;
	if (next < 0)
		return -1;
	double ms = (next - now) * 1000.0;
	return ms <= 0 ? 0 : (int)ceil(ms) + 1;
}

/* Kiosk: the next fleet (then back to the first) every kiosk_rotate_s();
 * a key pressed on the wall screen starts the wait again. */
static void loop_rotate(struct ui *ui, bool key_pressed)
{
	if (!ui->o.kiosk)
		return;
	double now = ui_now();
	if (key_pressed || ui->rotate_at == 0) {
		ui->rotate_at = now + kiosk_rotate_s(ui);
		return;
	}
	if (now < ui->rotate_at)
		return;
	ui->rotate_at = now + kiosk_rotate_s(ui);
	kiosk_step(ui, 1);
}

int ui_run(struct ui *ui)
{
	int empty_reads = 0;
	ui_start_loading(ui);
	loop_rotate(ui, true); /* kiosk: the first fleet's turn starts now */
	while (!ui->quit) {
		store_tick(ui->store); /* records materialized last turn may go */
		int timeout = loop_timeout(ui);
		if (ui->dirty)
			ui_draw(ui);
		struct pollfd fds[3] = {
			{.fd = ui->o.in_fd, .events = POLLIN},
			{.fd = ui->sync ? sync_wake_fd(ui->sync) : -1, .events = POLLIN},
			{.fd = ui->o.signal_fd, .events = POLLIN},
		};
		int n = poll(fds, 3, timeout);
		if (n < 0 && errno != EINTR)
			break;
		if (n <= 0) {
			ui->dirty = true; /* a highlight expired: draw it away */
			loop_rotate(ui, false);
			continue;
		}
		if (fds[2].revents & POLLIN)
			loop_signal(ui, ui->o.signal_fd);
		if (fds[1].revents & POLLIN)
			loop_take_replies(ui);
		/* Keys already typed are handled first; then a hang-up ends it. */
		if (fds[0].revents & POLLIN && loop_read_keys(ui, &empty_reads) < 0)
			ui->hung_up = ui->quit = true;
		loop_rotate(ui, fds[0].revents & POLLIN);
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			ui->hung_up = ui->quit = true;
		if (ui->hung_up && ui->exit_code == 0)
			ui->exit_code = 128 + SIGHUP;
	}
	return ui->exit_code;
}
