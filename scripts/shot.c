/*
 * shot.c — ct_shot: run a program in the e2e terminal (pty + libvterm, the
 * same harness the tests use), play a script of keys and waits, and render
 * the emulator's cells with their colours and attributes to a PNG.
 *
 *   ct_shot --out F.png [--rows N] [--cols N] [--env K=V]... [--text F.txt]
 *           [--wait TEXT | --gone TEXT | --keys SPEC | --sleep MS]... -- PROGRAM ARGS...
 *
 * Actions run in the order given.  After every --keys the tool waits until
 * the program has been quiet for 400 ms.  SPEC takes C escapes (\t \r \e
 * \n \\) and key names the emulator encodes for the current mode: <Enter>
 * <Tab> <BTab> <Esc> <Up> <Down> <Left> <Right> <PgUp> <PgDn> <Home> <End>.
 *
 * Text is drawn with FreeType from DejaVu Sans Mono (bold face for bold
 * cells, DejaVu Sans then WenQuanYi Micro Hei for glyphs the mono face
 * lacks); box-drawing and block
 * characters are drawn as geometry so borders join across cells, as they do
 * in a real terminal.  Exit status 1 if a --wait timed out (the PNG is still
 * written, so the failure can be seen).
 */
#include <ft2build.h>
#include FT_FREETYPE_H
#include <png.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "term.h"

#define FONT_DIR "/usr/share/fonts/truetype/dejavu/"
#define CJK_FONT "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
#define PX 16
#define PAD 8

static const uint8_t DEF_FG[3] = { 0xd0, 0xd0, 0xd0 };
static const uint8_t DEF_BG[3] = { 0x12, 0x16, 0x1c };

struct canvas {
	int w, h, cw, chh, base;
	uint8_t *px; /* RGB */
	FT_Face mono, bold, fallback[2];
};

enum act_kind { ACT_WAIT, ACT_GONE, ACT_KEYS, ACT_SLEEP };
struct act {
	enum act_kind kind;
	const char *arg;
};

static void put(struct canvas *c, int x, int y, const uint8_t rgb[3], int alpha)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h)
		return;
	uint8_t *p = c->px + ((size_t)y * c->w + x) * 3;
	for (int i = 0; i < 3; i++)
		p[i] = (uint8_t)((rgb[i] * alpha + p[i] * (255 - alpha)) / 255);
}

static void fill(struct canvas *c, int x, int y, int w, int h, const uint8_t rgb[3], int alpha)
{
	for (int j = y; j < y + h; j++)
		for (int i = x; i < x + w; i++)
			put(c, i, j, rgb, alpha);
}

/* Box drawing as line segments: bits up, down, left, right; heavy doubles
 * the stroke.  Returns false for characters this table does not cover. */
static bool box_bits(uint32_t ch, int *bits, int *heavy)
{
	static const struct {
		uint32_t cp;
		int bits, heavy;
	} tab[] = {
		{ 0x2500, 12, 0 }, { 0x2502, 3, 0 },  { 0x250C, 10, 0 }, { 0x2510, 6, 0 },
		{ 0x2514, 9, 0 },  { 0x2518, 5, 0 },  { 0x251C, 11, 0 }, { 0x2524, 7, 0 },
		{ 0x252C, 14, 0 }, { 0x2534, 13, 0 }, { 0x253C, 15, 0 }, { 0x256D, 10, 0 },
		{ 0x256E, 6, 0 },  { 0x256F, 5, 0 },  { 0x2570, 9, 0 },  { 0x2501, 12, 1 },
		{ 0x2503, 3, 1 },  { 0x250F, 10, 1 }, { 0x2513, 6, 1 },  { 0x2517, 9, 1 },
		{ 0x251B, 5, 1 },  { 0x2523, 11, 1 }, { 0x252B, 7, 1 },  { 0x2533, 14, 1 },
		{ 0x253B, 13, 1 }, { 0x254B, 15, 1 }, { 0x2550, 12, 1 }, { 0x2551, 3, 1 },
		{ 0x2554, 10, 1 }, { 0x2557, 6, 1 },  { 0x255A, 9, 1 },  { 0x255D, 5, 1 },
		{ 0x2560, 11, 1 }, { 0x2563, 7, 1 },  { 0x2566, 14, 1 }, { 0x2569, 13, 1 },
		{ 0x256C, 15, 1 },
	};
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (tab[i].cp == ch) {
			*bits = tab[i].bits;
			*heavy = tab[i].heavy;
			return true;
		}
	return false;
}

static bool draw_geometry(struct canvas *c, int x, int y, uint32_t ch, const uint8_t fg[3])
{
	int bits, heavy, w = c->cw, h = c->chh;
	if (box_bits(ch, &bits, &heavy)) {
		int t = heavy ? 2 : 1, mx = x + w / 2, my = y + h / 2;
		if (bits & 1)
			fill(c, mx, y, t, h / 2 + t, fg, 255);
		if (bits & 2)
			fill(c, mx, my, t, h - h / 2, fg, 255);
		if (bits & 4)
			fill(c, x, my, w / 2 + t, t, fg, 255);
		if (bits & 8)
			fill(c, mx, my, w - w / 2, t, fg, 255);
		return true;
	}
	switch (ch) {
	case 0x2588: fill(c, x, y, w, h, fg, 255); return true;
	case 0x2580: fill(c, x, y, w, h / 2, fg, 255); return true;
	case 0x2584: fill(c, x, y + h / 2, w, h - h / 2, fg, 255); return true;
	case 0x258C: fill(c, x, y, w / 2, h, fg, 255); return true;
	case 0x2590: fill(c, x + w / 2, y, w - w / 2, h, fg, 255); return true;
	case 0x2591: fill(c, x, y, w, h, fg, 64); return true;
	case 0x2592: fill(c, x, y, w, h, fg, 128); return true;
	case 0x2593: fill(c, x, y, w, h, fg, 192); return true;
	default: return false;
	}
}

static void draw_glyph(struct canvas *c, int x, int y, uint32_t ch, bool bold,
		       const uint8_t fg[3], int cells)
{
	FT_Face f = bold ? c->bold : c->mono;
	for (int i = 0; i < 2 && !FT_Get_Char_Index(f, ch); i++)
		if (c->fallback[i] && FT_Get_Char_Index(c->fallback[i], ch))
			f = c->fallback[i];
	if (FT_Load_Char(f, ch, FT_LOAD_RENDER | FT_LOAD_TARGET_LIGHT))
		return;
	FT_GlyphSlot g = f->glyph;
	int ox = x + g->bitmap_left, oy = y + c->base - g->bitmap_top;
	/* Center glyphs narrower than their cells (fallback faces). */
	int adv = (int)(g->advance.x >> 6);
	if (adv < c->cw * cells)
		ox += (c->cw * cells - adv) / 2;
	for (unsigned r = 0; r < g->bitmap.rows; r++)
		for (unsigned k = 0; k < g->bitmap.width; k++) {
			int a = g->bitmap.buffer[r * g->bitmap.pitch + k];
			int px = ox + (int)k;
			if (a && px < x + c->cw * cells && px >= x)
				put(c, px, oy + (int)r, fg, a);
		}
}

static void draw_cell(struct canvas *c, struct term *t, int row, int col)
{
	struct term_cell_attrs a;
	if (term_cell_attrs(t, row, col, &a) != 0)
		return;
	const uint8_t *fg = a.fg_default ? DEF_FG : a.fg_rgb;
	const uint8_t *bg = a.bg_default ? DEF_BG : a.bg_rgb;
	if (a.reverse) {
		const uint8_t *s = fg;
		fg = bg;
		bg = s;
	}
	int x = PAD + col * c->cw, y = PAD + row * c->chh, cells = a.width == 2 ? 2 : 1;
	fill(c, x, y, c->cw * cells, c->chh, bg, 255);
	if (a.ch > ' ' && !draw_geometry(c, x, y, a.ch, fg))
		draw_glyph(c, x, y, a.ch, a.bold, fg, cells);
	if (a.underline)
		fill(c, x, y + c->base + 2, c->cw * cells, 1, fg, 255);
}

static int render(struct term *t, struct canvas *c, const char *out)
{
	int rows = term_rows(t), cols = term_cols(t);
	c->w = cols * c->cw + 2 * PAD;
	c->h = rows * c->chh + 2 * PAD;
	c->px = malloc((size_t)c->w * c->h * 3);
	if (!c->px)
		return -1;
	/* The margin takes the top-left cell's background when the top-right
	 * cell shares it, so a theme that paints its own background
	 * (light) is not framed in the default, and a badge in a corner (the
	 * kiosk wall's) does not frame the picture in its colour. */
	struct term_cell_attrs a0, ac;
	const uint8_t *margin = DEF_BG;
	if (term_cell_attrs(t, 0, 0, &a0) == 0 && !a0.bg_default && !a0.reverse) {
		bool same = term_cell_attrs(t, 0, cols - 1, &ac) == 0 && !ac.bg_default &&
			    !ac.reverse && memcmp(ac.bg_rgb, a0.bg_rgb, sizeof a0.bg_rgb) == 0;
		if (same)
			margin = a0.bg_rgb;
	}
	fill(c, 0, 0, c->w, c->h, margin, 255);
	for (int r = 0; r < rows; r++)
		for (int col = 0; col < cols; col++) {
			struct term_cell_attrs a;
			draw_cell(c, t, r, col);
			if (term_cell_attrs(t, r, col, &a) == 0 && a.width == 2)
				col++;
		}
	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	img.width = (png_uint_32)c->w;
	img.height = (png_uint_32)c->h;
	img.format = PNG_FORMAT_RGB;
	int ok = png_image_write_to_file(&img, out, 0, c->px, c->w * 3, NULL);
	free(c->px);
	c->px = NULL;
	return ok ? 0 : -1;
}

static int fonts_open(FT_Library lib, struct canvas *c)
{
	if (FT_New_Face(lib, FONT_DIR "DejaVuSansMono.ttf", 0, &c->mono) ||
	    FT_New_Face(lib, FONT_DIR "DejaVuSansMono-Bold.ttf", 0, &c->bold)) {
		fprintf(stderr, "ct_shot: DejaVu Sans Mono not found in " FONT_DIR
				" (apt-get install fonts-dejavu-core)\n");
		return -1;
	}
	/* Fallbacks: DejaVu Sans (Arabic, symbols), then a CJK face if
	 * installed (fonts-wqy-microhei); without it CJK cells stay empty. */
	static const char *const fb[2] = { FONT_DIR "DejaVuSans.ttf", CJK_FONT };
	for (int i = 0; i < 2; i++)
		if (FT_New_Face(lib, fb[i], 0, &c->fallback[i]))
			c->fallback[i] = NULL;
	FT_Set_Pixel_Sizes(c->mono, 0, PX);
	FT_Set_Pixel_Sizes(c->bold, 0, PX);
	for (int i = 0; i < 2; i++)
		if (c->fallback[i])
			FT_Set_Pixel_Sizes(c->fallback[i], 0, PX);
	FT_Load_Char(c->mono, 'M', FT_LOAD_DEFAULT);
	c->cw = (int)(c->mono->glyph->advance.x >> 6);
	c->base = (int)(c->mono->size->metrics.ascender >> 6);
	c->chh = c->base - (int)(c->mono->size->metrics.descender >> 6) + 1;
	return 0;
}

/* Send one --keys spec: escapes and <Name> tokens. */
static void send_spec(struct term *t, const char *s)
{
	static const struct {
		const char *name;
		enum term_key k;
	} names[] = {
		{ "<Enter>", TK_ENTER }, { "<Tab>", TK_TAB },   { "<BTab>", TK_BACKTAB },
		{ "<Esc>", TK_ESC },     { "<Up>", TK_UP },     { "<Down>", TK_DOWN },
		{ "<Left>", TK_LEFT },   { "<Right>", TK_RIGHT }, { "<PgUp>", TK_PGUP },
		{ "<PgDn>", TK_PGDN },   { "<Home>", TK_HOME }, { "<End>", TK_END },
	};
	while (*s) {
		bool named = false;
		for (size_t i = 0; *s == '<' && i < sizeof names / sizeof names[0]; i++)
			if (strncmp(s, names[i].name, strlen(names[i].name)) == 0) {
				term_send_key(t, names[i].k);
				s += strlen(names[i].name);
				named = true;
				break;
			}
		if (named)
			continue;
		char ch = *s++;
		if (ch == '\\' && *s) {
			char e = *s++;
			ch = e == 't' ? '\t' : e == 'r' ? '\r' : e == 'n' ? '\n' : e == 'e' ? 27 : e;
		}
		term_send_bytes(t, &ch, 1);
		/* Typed, not pasted: the program sees one key per read. */
		term_wait_idle(t, 30, 300);
	}
}

static int play(struct term *t, const struct act *acts, int n)
{
	int rc = 0;
	for (int i = 0; i < n; i++) {
		if (acts[i].kind == ACT_WAIT && !term_wait_for(t, acts[i].arg, 15000)) {
			fprintf(stderr, "ct_shot: timed out waiting for \"%s\"\n", acts[i].arg);
			rc = 1;
		} else if (acts[i].kind == ACT_GONE && !term_wait_gone(t, acts[i].arg, 30000)) {
			fprintf(stderr, "ct_shot: \"%s\" still on screen\n", acts[i].arg);
			rc = 1;
		} else if (acts[i].kind == ACT_KEYS) {
			send_spec(t, acts[i].arg);
		} else if (acts[i].kind == ACT_SLEEP) {
			long ms = atol(acts[i].arg);
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
			nanosleep(&ts, NULL);
		}
		term_wait_idle(t, 400, 5000);
	}
	return rc;
}

static void usage(void)
{
	fputs("usage: ct_shot --out F.png [--rows N] [--cols N] [--env K=V]... [--text F.txt]\n"
	      "               [--wait TEXT | --gone TEXT | --keys SPEC | --sleep MS]...\n"
	      "               -- PROGRAM ARGS...\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *out = NULL, *text = NULL, *env[64];
	struct act acts[64];
	int nenv = 0, nact = 0, rows = 40, cols = 120, i;
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v || nact >= 64 || nenv >= 63)
			usage();
		if (!strcmp(o, "--out")) out = v;
		else if (!strcmp(o, "--text")) text = v;
		else if (!strcmp(o, "--rows")) rows = atoi(v);
		else if (!strcmp(o, "--cols")) cols = atoi(v);
		else if (!strcmp(o, "--env")) env[nenv++] = v;
		else if (!strcmp(o, "--wait")) acts[nact++] = (struct act){ ACT_WAIT, v };
		else if (!strcmp(o, "--gone")) acts[nact++] = (struct act){ ACT_GONE, v };
		else if (!strcmp(o, "--keys")) acts[nact++] = (struct act){ ACT_KEYS, v };
		else if (!strcmp(o, "--sleep")) acts[nact++] = (struct act){ ACT_SLEEP, v };
		else usage();
		i++;
	}
	if (!out || i + 1 >= argc)
		usage();
	env[nenv] = NULL;

	FT_Library lib;
	struct canvas c = { 0 };
	if (FT_Init_FreeType(&lib) || fonts_open(lib, &c) != 0)
		return 2;
	struct term_opts to = { .rows = rows, .cols = cols, .env = env };
	struct term *t = term_spawn((const char *const *)argv + i + 1, &to);
	if (!t) {
		fprintf(stderr, "ct_shot: cannot start %s\n", argv[i + 1]);
		return 2;
	}
	term_wait_idle(t, 400, 10000);
	int rc = play(t, acts, nact);
	if (render(t, &c, out) != 0) {
		fprintf(stderr, "ct_shot: cannot write %s\n", out);
		rc = 2;
	}
	char *screen = term_screen_text(t);
	FILE *tf = text ? fopen(text, "w") : NULL;
	if (tf) {
		fputs(screen ? screen : "", tf);
		fclose(tf);
	}
	if (rc == 1)
		fprintf(stderr, "%s\n", screen ? screen : "");
	free(screen);
	char why[128];
	if (term_raw_has_forbidden(t, why, sizeof why))
		fprintf(stderr, "ct_shot: warning: SAN-2: %s\n", why);
	term_kill(t, SIGTERM);
	term_free(t);
	FT_Done_Face(c.mono);
	FT_Done_Face(c.bold);
	for (int k = 0; k < 2; k++)
		if (c.fallback[k])
			FT_Done_Face(c.fallback[k]);
	FT_Done_FreeType(lib);
	return rc;
}
