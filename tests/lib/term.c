/*
 * term.c — pty + libvterm harness for end-to-end tests (see term.h).
 *
 * The pump thread owns the read side of the pty master and is the only
 * writer of the emulator's input; the test thread reads the screen under the
 * same lock.  Answers the emulator generates (device attribute and cursor
 * position reports) go back to the program through the output callback, as a
 * real terminal would send them.
 */
#include "term.h"

#ifdef HAVE_VTERM

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vterm.h>

extern char **environ;

struct term {
	pid_t pid;
	int master;
	int wake[2]; /* tells the pump to stop */
	pthread_t pump;
	bool pump_running;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	VTerm *vt;
	VTermScreen *vs;
	int rows, cols;
	unsigned char *raw;
	size_t rawlen, rawcap;
	double last_byte_ms;
	bool eof;
	bool altscreen, cursor_visible;
	char *title;
	bool reaped;
	int status;
	struct rusage ru;
	FILE *rec;
};

double term_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void deadline_in(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* ---- emulator callbacks (called with t->mu held, from the pump) ---- */

static void out_cb(const char *s, size_t len, void *user)
{
	struct term *t = user;
	while (len > 0 && t->master >= 0) {
		ssize_t n = write(t->master, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static int prop_cb(VTermProp prop, VTermValue *val, void *user)
{
	struct term *t = user;
	if (prop == VTERM_PROP_ALTSCREEN)
		t->altscreen = val->boolean;
	else if (prop == VTERM_PROP_CURSORVISIBLE)
		t->cursor_visible = val->boolean;
	else if (prop == VTERM_PROP_TITLE && val->string) {
		free(t->title);
		t->title = strdup(val->string);
	}
	return 1;
}

static const VTermScreenCallbacks screen_cbs = {
	.settermprop = prop_cb,
};

static void raw_append(struct term *t, const unsigned char *b, size_t n)
{
	if (t->rawlen + n > t->rawcap) {
		size_t cap = t->rawcap ? t->rawcap : 65536;
		while (cap < t->rawlen + n)
			cap *= 2;
		unsigned char *p = realloc(t->raw, cap);
		if (!p)
			abort(); /* a test harness out of memory cannot report honestly */
		t->raw = p;
		t->rawcap = cap;
	}
	memcpy(t->raw + t->rawlen, b, n);
	t->rawlen += n;
	if (t->rec) {
		/* Flushed now: a failing test exits without running its cleanup. */
		fwrite(b, 1, n, t->rec);
		fflush(t->rec);
	}
}

static void *pump_main(void *arg)
{
	struct term *t = arg;
	unsigned char buf[65536];
	for (;;) {
		struct pollfd p[2] = { { t->master, POLLIN, 0 }, { t->wake[0], POLLIN, 0 } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		ssize_t n = read(t->master, buf, sizeof buf);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		pthread_mutex_lock(&t->mu);
		if (n > 0) {
			raw_append(t, buf, (size_t)n);
			vterm_input_write(t->vt, (const char *)buf, (size_t)n);
			t->last_byte_ms = term_now_ms();
		} else {
			t->eof = true; /* EIO: every slave fd is closed */
		}
		pthread_cond_broadcast(&t->cv);
		pthread_mutex_unlock(&t->mu);
		if (n <= 0)
			break;
	}
	return NULL;
}

/* ---- spawning ---- */

static bool env_dropped(const char *kv)
{
	static const char *const drop[] = { "TERM=", "LANG=", "LC_", "COLUMNS=", "LINES=",
					     "CHARGE_API_", "LANGUAGE=", NULL };
	for (int i = 0; drop[i]; i++)
		if (strncmp(kv, drop[i], strlen(drop[i])) == 0)
			return true;
	return false;
}

/* The child's environment, built before fork so the child only execs. */
static char **build_env(const struct term_opts *o, char *termvar, size_t tvlen)
{
	size_t n = 0, extra = 0;
	while (environ[n])
		n++;
	while (o && o->env && o->env[extra])
		extra++;
	char **env = calloc(n + extra + 4, sizeof *env);
	if (!env)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!env_dropped(environ[i]))
			env[k++] = environ[i];
	/* Extras first: getenv() takes the first match, so an extra TERM= or
	 * LANG= overrides the defaults after it. */
	for (size_t i = 0; i < extra; i++)
		env[k++] = (char *)o->env[i];
	snprintf(termvar, tvlen, "TERM=%s", o && o->term ? o->term : "xterm-256color");
	env[k++] = termvar;
	env[k++] = "LANG=C.UTF-8";
	env[k++] = "LC_ALL=C.UTF-8";
	env[k] = NULL;
	return env;
}

static struct term *term_alloc(int rows, int cols)
{
	struct term *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->master = -1;
	t->rows = rows;
	t->cols = cols;
	t->cursor_visible = true;
	pthread_mutex_init(&t->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cv, &ca);
	pthread_condattr_destroy(&ca);
	t->vt = vterm_new(rows, cols);
	vterm_set_utf8(t->vt, 1);
	vterm_output_set_callback(t->vt, out_cb, t);
	t->vs = vterm_obtain_screen(t->vt);
	vterm_screen_set_callbacks(t->vs, &screen_cbs, t);
	vterm_screen_enable_altscreen(t->vs, 1);
	vterm_screen_reset(t->vs, 1);
	t->last_byte_ms = term_now_ms();
	return t;
}

struct term *term_spawn(const char *const argv[], const struct term_opts *opts)
{
	int rows = opts && opts->rows > 0 ? opts->rows : 40;
	int cols = opts && opts->cols > 0 ? opts->cols : 120;
	struct term *t = term_alloc(rows, cols);
	if (!t)
		return NULL;
	if (opts && opts->record_path)
		t->rec = fopen(opts->record_path, "wb");
	char termvar[128];
	char **env = build_env(opts, termvar, sizeof termvar);
	if (!env || pipe2(t->wake, O_CLOEXEC) < 0) {
		free(env);
		term_free(t);
		return NULL;
	}
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	pid_t pid = forkpty(&t->master, NULL, NULL, &ws);
	if (pid == 0) {
		/* A test that fails mid-way must not leave its console running. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (opts && opts->ignore_sighup)
			signal(SIGHUP, SIG_IGN); /* inherited across exec, as nohup does */
		execvpe(argv[0], (char *const *)argv, env);
		_exit(127);
	}
	free(env);
	if (pid < 0) {
		term_free(t);
		return NULL;
	}
	t->pid = pid;
	fcntl(t->master, F_SETFD, FD_CLOEXEC);
	if (pthread_create(&t->pump, NULL, pump_main, t) != 0) {
		term_free(t);
		return NULL;
	}
	t->pump_running = true;
	return t;
}

pid_t term_pid(const struct term *t)
{
	return t->pid;
}

static void pump_stop(struct term *t)
{
	if (!t->pump_running)
		return;
	char c = 1;
	if (write(t->wake[1], &c, 1) < 0) {
		/* the pipe cannot be full: one byte, written once */
	}
	pthread_join(t->pump, NULL);
	t->pump_running = false;
}

void term_free(struct term *t)
{
	if (!t)
		return;
	if (t->pid > 0 && !t->reaped) {
		kill(t->pid, SIGKILL);
		int st;
		term_wait_exit(t, 5000, &st);
	}
	pump_stop(t);
	if (t->master >= 0)
		close(t->master);
	if (t->wake[0] > 0) {
		close(t->wake[0]);
		close(t->wake[1]);
	}
	if (t->rec)
		fclose(t->rec);
	if (t->vt)
		vterm_free(t->vt);
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cv);
	free(t->raw);
	free(t->title);
	free(t);
}

/* ---- input ---- */

int term_send_bytes(struct term *t, const void *buf, size_t len)
{
	const char *p = buf;
	pthread_mutex_lock(&t->mu);
	int fd = t->master;
	pthread_mutex_unlock(&t->mu);
	while (len > 0) {
		if (fd < 0)
			return -1;
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int term_send_keys(struct term *t, const char *s)
{
	return term_send_bytes(t, s, strlen(s));
}

int term_send_key(struct term *t, enum term_key k)
{
	static const VTermKey map[] = {
		[TK_ENTER] = VTERM_KEY_ENTER, [TK_TAB] = VTERM_KEY_TAB,
		[TK_BACKTAB] = VTERM_KEY_TAB, [TK_ESC] = VTERM_KEY_ESCAPE,
		[TK_BACKSPACE] = VTERM_KEY_BACKSPACE, [TK_UP] = VTERM_KEY_UP,
		[TK_DOWN] = VTERM_KEY_DOWN, [TK_LEFT] = VTERM_KEY_LEFT,
		[TK_RIGHT] = VTERM_KEY_RIGHT, [TK_HOME] = VTERM_KEY_HOME,
		[TK_END] = VTERM_KEY_END, [TK_PGUP] = VTERM_KEY_PAGEUP,
		[TK_PGDN] = VTERM_KEY_PAGEDOWN, [TK_DEL] = VTERM_KEY_DEL,
		[TK_F1] = VTERM_KEY_FUNCTION_0 + 1,
	};
	if ((unsigned)k >= sizeof map / sizeof map[0])
		return -1;
	pthread_mutex_lock(&t->mu);
	int ok = t->master >= 0 ? 0 : -1;
	if (ok == 0)
		vterm_keyboard_key(t->vt, map[k], k == TK_BACKTAB ? VTERM_MOD_SHIFT : VTERM_MOD_NONE);
	pthread_mutex_unlock(&t->mu);
	return ok;
}

/* ---- screen reading ---- */

static size_t utf8_put(uint32_t c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xE0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	o[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* One row as UTF-8; colmap (if given, >= len+1 entries) maps each byte to
 * its cell column.  Caller holds the lock. */
static char *row_locked(struct term *t, int row, int **colmap)
{
	size_t cap = (size_t)t->cols * 4 * VTERM_MAX_CHARS_PER_CELL + 1, len = 0;
	char *s = malloc(cap);
	int *map = colmap ? malloc(cap * sizeof *map) : NULL;
	if (!s || (colmap && !map)) {
		free(s);
		free(map);
		return NULL;
	}
	for (int c = 0; c < t->cols; c++) {
		VTermScreenCell cell;
		VTermPos pos = { .row = row, .col = c };
		if (!vterm_screen_get_cell(t->vs, pos, &cell))
			continue;
		if (cell.chars[0] == (uint32_t)-1)
			continue; /* right half of a wide character */
		size_t start = len;
		if (cell.chars[0] == 0)
			s[len++] = ' ';
		for (int i = 0; i < VTERM_MAX_CHARS_PER_CELL && cell.chars[i]; i++)
			len += utf8_put(cell.chars[i], s + len);
		for (size_t b = start; map && b < len; b++)
			map[b] = c;
		if (cell.width == 2)
			c++;
	}
	s[len] = '\0';
	if (map)
		map[len] = t->cols;
	if (colmap)
		*colmap = map;
	return s;
}

int term_rows(struct term *t)
{
	pthread_mutex_lock(&t->mu);
	int r = t->rows;
	pthread_mutex_unlock(&t->mu);
	return r;
}

int term_cols(struct term *t)
{
	pthread_mutex_lock(&t->mu);
	int c = t->cols;
	pthread_mutex_unlock(&t->mu);
	return c;
}

char *term_row(struct term *t, int row)
{
	pthread_mutex_lock(&t->mu);
	char *s = row >= 0 && row < t->rows ? row_locked(t, row, NULL) : strdup("");
	pthread_mutex_unlock(&t->mu);
	return s;
}

static char *screen_locked(struct term *t)
{
	size_t cap = 1, len = 0;
	char *all = malloc(cap);
	if (!all)
		return NULL;
	all[0] = '\0';
	for (int r = 0; r < t->rows; r++) {
		char *s = row_locked(t, r, NULL);
		size_t n = s ? strlen(s) : 0;
		char *p = realloc(all, len + n + 2);
		if (!p) {
			free(s);
			break;
		}
		all = p;
		memcpy(all + len, s ? s : "", n);
		len += n;
		all[len++] = r + 1 < t->rows ? '\n' : '\0';
		all[len] = '\0';
		free(s);
	}
	return all;
}

char *term_screen_text(struct term *t)
{
	pthread_mutex_lock(&t->mu);
	char *s = screen_locked(t);
	pthread_mutex_unlock(&t->mu);
	return s;
}

static int find_locked(struct term *t, int from, const char *text, int *row, int *col)
{
	for (int r = from < 0 ? 0 : from; r < t->rows; r++) {
		int *map = NULL;
		char *s = row_locked(t, r, &map);
		char *hit = s ? strstr(s, text) : NULL;
		if (hit) {
			if (row)
				*row = r;
			if (col)
				*col = map[hit - s];
		}
		free(s);
		free(map);
		if (hit)
			return 0;
	}
	return -1;
}

int term_find_from(struct term *t, int from, const char *text, int *row, int *col)
{
	pthread_mutex_lock(&t->mu);
	int rc = find_locked(t, from, text, row, col);
	pthread_mutex_unlock(&t->mu);
	return rc;
}

int term_find(struct term *t, const char *text, int *row, int *col)
{
	return term_find_from(t, 0, text, row, col);
}

/* Wait on the condition variable until pred holds or the deadline passes.
 * The predicate is re-checked after every chunk of output (and every 50 ms,
 * so a wait that depends on time alone, like idleness, still ends). */
static bool wait_until(struct term *t, int timeout_ms, bool (*pred)(struct term *, void *),
		       void *arg)
{
	double end_ms = term_now_ms() + timeout_ms;
	pthread_mutex_lock(&t->mu);
	bool ok;
	while (!(ok = pred(t, arg))) {
		double now = term_now_ms();
		if (now >= end_ms)
			break;
		struct timespec slice;
		deadline_in(&slice, now + 50 < end_ms ? 50 : (int)(end_ms - now) + 1);
		pthread_cond_timedwait(&t->cv, &t->mu, &slice);
	}
	pthread_mutex_unlock(&t->mu);
	return ok;
}

static bool pred_text(struct term *t, void *arg)
{
	return find_locked(t, 0, arg, NULL, NULL) == 0;
}

static bool pred_no_text(struct term *t, void *arg)
{
	return find_locked(t, 0, arg, NULL, NULL) != 0;
}

bool term_wait_for(struct term *t, const char *text, int timeout_ms)
{
	return wait_until(t, timeout_ms, pred_text, (void *)text);
}

bool term_wait_gone(struct term *t, const char *text, int timeout_ms)
{
	return wait_until(t, timeout_ms, pred_no_text, (void *)text);
}

struct idle_arg {
	int quiet_ms;
	double since; /* quiet is counted from the call, not from older output */
};

static bool pred_idle(struct term *t, void *arg)
{
	struct idle_arg *a = arg;
	double from = t->last_byte_ms > a->since ? t->last_byte_ms : a->since;
	return term_now_ms() - from >= a->quiet_ms;
}

bool term_wait_idle(struct term *t, int quiet_ms, int timeout_ms)
{
	struct idle_arg a = { quiet_ms, term_now_ms() };
	return wait_until(t, timeout_ms, pred_idle, &a);
}

static bool pred_eof(struct term *t, void *arg)
{
	return t->eof;
}

bool term_wait_eof(struct term *t, int timeout_ms)
{
	return wait_until(t, timeout_ms, pred_eof, NULL);
}

static bool pred_output(struct term *t, void *arg)
{
	return t->rawlen > *(size_t *)arg || t->eof;
}

bool term_wait_output(struct term *t, size_t mark, int timeout_ms)
{
	wait_until(t, timeout_ms, pred_output, &mark);
	return term_bytes_written_since(t, mark) > 0;
}

static void color_out(struct term *t, VTermColor *c, bool *is_default, int *idx, uint8_t rgb[3],
		      bool fg)
{
	*is_default = fg ? VTERM_COLOR_IS_DEFAULT_FG(c) : VTERM_COLOR_IS_DEFAULT_BG(c);
	*idx = VTERM_COLOR_IS_INDEXED(c) && !*is_default ? c->indexed.idx : -1;
	VTermColor rc = *c;
	vterm_screen_convert_color_to_rgb(t->vs, &rc);
	rgb[0] = rc.rgb.red;
	rgb[1] = rc.rgb.green;
	rgb[2] = rc.rgb.blue;
}

int term_cell_attrs(struct term *t, int row, int col, struct term_cell_attrs *out)
{
	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&t->mu);
	VTermScreenCell cell;
	VTermPos pos = { .row = row, .col = col };
	int ok = row >= 0 && row < t->rows && col >= 0 && col < t->cols &&
		 vterm_screen_get_cell(t->vs, pos, &cell);
	if (ok) {
		out->bold = cell.attrs.bold;
		out->reverse = cell.attrs.reverse;
		out->underline = cell.attrs.underline != 0;
		out->italic = cell.attrs.italic;
		out->blink = cell.attrs.blink;
		out->ch = cell.chars[0] == (uint32_t)-1 ? 0 : cell.chars[0];
		out->width = cell.width;
		color_out(t, &cell.fg, &out->fg_default, &out->fg_index, out->fg_rgb, true);
		color_out(t, &cell.bg, &out->bg_default, &out->bg_index, out->bg_rgb, false);
	}
	pthread_mutex_unlock(&t->mu);
	return ok ? 0 : -1;
}

void term_cursor(struct term *t, int *row, int *col, bool *visible)
{
	pthread_mutex_lock(&t->mu);
	VTermPos p;
	vterm_state_get_cursorpos(vterm_obtain_state(t->vt), &p);
	if (row)
		*row = p.row;
	if (col)
		*col = p.col;
	if (visible)
		*visible = t->cursor_visible;
	pthread_mutex_unlock(&t->mu);
}

bool term_altscreen(struct term *t)
{
	pthread_mutex_lock(&t->mu);
	bool a = t->altscreen;
	pthread_mutex_unlock(&t->mu);
	return a;
}

char *term_title(struct term *t)
{
	pthread_mutex_lock(&t->mu);
	char *s = strdup(t->title ? t->title : "");
	pthread_mutex_unlock(&t->mu);
	return s;
}

int term_set_size(struct term *t, int rows, int cols)
{
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	pthread_mutex_lock(&t->mu);
	t->rows = rows;
	t->cols = cols;
	vterm_set_size(t->vt, rows, cols);
	int rc = t->master >= 0 ? ioctl(t->master, TIOCSWINSZ, &ws) : -1;
	pthread_mutex_unlock(&t->mu);
	return rc;
}

/* ---- raw stream ---- */

unsigned char *term_raw_bytes(struct term *t, size_t *len)
{
	pthread_mutex_lock(&t->mu);
	unsigned char *c = malloc(t->rawlen + 1);
	if (c) {
		memcpy(c, t->raw ? t->raw : (const unsigned char *)"", t->rawlen);
		c[t->rawlen] = 0;
		*len = t->rawlen;
	}
	pthread_mutex_unlock(&t->mu);
	return c;
}

size_t term_mark(struct term *t)
{
	pthread_mutex_lock(&t->mu);
	size_t n = t->rawlen;
	pthread_mutex_unlock(&t->mu);
	return n;
}

size_t term_bytes_written_since(struct term *t, size_t mark)
{
	size_t n = term_mark(t);
	return n > mark ? n - mark : 0;
}

int term_save_raw(struct term *t, const char *path)
{
	size_t n;
	unsigned char *b = term_raw_bytes(t, &n);
	FILE *f = b ? fopen(path, "wb") : NULL;
	int rc = f && fwrite(b, 1, n, f) == n ? 0 : -1;
	if (f && fclose(f) != 0)
		rc = -1;
	free(b);
	return rc;
}

bool term_raw_contains(struct term *t, const char *needle, size_t from)
{
	pthread_mutex_lock(&t->mu);
	bool hit = from < t->rawlen &&
		   memmem(t->raw + from, t->rawlen - from, needle, strlen(needle)) != NULL;
	pthread_mutex_unlock(&t->mu);
	return hit;
}

int term_bytes_have_forbidden(const unsigned char *b, size_t n, char *why, size_t whylen)
{
	static const char *const esc_name[256] = {
		[']'] = "OSC (ESC ])", ['P'] = "DCS (ESC P)", ['_'] = "APC (ESC _)",
		['^'] = "PM (ESC ^)",  ['X'] = "SOS (ESC X)",
	};
	int need = 0;     /* continuation bytes still expected */
	unsigned lead = 0; /* lead byte of the sequence being read */
	for (size_t i = 0; i < n; i++) {
		unsigned c = b[i];
		const char *what = NULL;
		if (c == 0x1B && i + 1 < n && esc_name[b[i + 1]])
			what = esc_name[b[i + 1]];
		if (c >= 0x80 && c <= 0xBF && need > 0) {
			if (lead == 0xC2 && c <= 0x9F)
				what = "UTF-8 encoded C1 (C2 80..9F)";
			need--;
		} else if (c >= 0x80 && c <= 0x9F) {
			what = "raw C1 byte (0x80..0x9F)";
		} else {
			need = c >= 0xF0 && c <= 0xF4 ? 3 : c >= 0xE0 && c <= 0xEF ? 2
							   : c >= 0xC2 && c <= 0xDF ? 1 : 0;
			lead = c;
		}
		if (what) {
			if (why)
				snprintf(why, whylen, "%s at byte %zu of %zu", what, i, n);
			return 1;
		}
	}
	if (why && whylen)
		why[0] = '\0';
	return 0;
}

int term_raw_has_forbidden(struct term *t, char *why, size_t whylen)
{
	pthread_mutex_lock(&t->mu);
	int rc = term_bytes_have_forbidden(t->raw, t->rawlen, why, whylen);
	pthread_mutex_unlock(&t->mu);
	return rc;
}

/* ---- process control ---- */

void term_close_master(struct term *t)
{
	pump_stop(t);
	pthread_mutex_lock(&t->mu);
	if (t->master >= 0)
		close(t->master);
	t->master = -1;
	pthread_mutex_unlock(&t->mu);
}

int term_kill(struct term *t, int sig)
{
	if (t->pid <= 0 || t->reaped)
		return -1;
	return kill(t->pid, sig);
}

int term_wait_exit(struct term *t, int timeout_ms, int *status)
{
	double end = term_now_ms() + timeout_ms;
	while (!t->reaped) {
		int st;
		pid_t p = wait4(t->pid, &st, WNOHANG, &t->ru);
		if (p == t->pid) {
			t->reaped = true;
			t->status = st;
			break;
		}
		if (p < 0 && errno != EINTR)
			return -1;
		if (term_now_ms() >= end)
			return -1;
		struct timespec ts = { 0, 2 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (status)
		*status = t->status;
	return 0;
}

bool term_exited(struct term *t)
{
	int st;
	return term_wait_exit(t, 0, &st) == 0;
}

double term_cpu_seconds(struct term *t)
{
	if (t->reaped)
		return t->ru.ru_utime.tv_sec + t->ru.ru_utime.tv_usec / 1e6 +
		       t->ru.ru_stime.tv_sec + t->ru.ru_stime.tv_usec / 1e6;
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)t->pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields after the command name (which may hold spaces): state is
	 * field 3, utime 14, stime 15. */
	char *p = strrchr(buf, ')');
	unsigned long long ut = 0, stt = 0;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
			 &stt) != 2)
		return -1;
	return (double)(ut + stt) / (double)sysconf(_SC_CLK_TCK);
}

char term_proc_state(struct term *t)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)t->pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

long term_rss_kb(struct term *t)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)t->pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

#endif /* HAVE_VTERM */
