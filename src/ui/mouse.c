/*
 * mouse.c — what htop and k9s users expect of a mouse: a click focuses the
 * pane under it and selects the row, the wheel scrolls the pane under the
 * pointer.  The mouse only reaches navigation actions, never a writing one,
 * so read-only and kiosk hold for it too (less#676's lesson).
 */
#include "ui_priv.h"

static int mouse_pane_at(struct ui *ui, int y, int x)
{
	for (int i = 0; i < UI_NPANES; i++) {
		struct pane *p = ui->panes[i];
		if (!p->hidden && p->win && y >= p->y && y < p->y + p->h && x >= p->x &&
		    x < p->x + p->w)
			return i;
	}
	return -1;
}

unsigned ui_mouse(struct ui *ui)
{
	MEVENT ev;
	if (getmouse(&ev) != OK || ui->ndialogs || ui->prompt.mode || ui->too_small)
		return UI_HANDLED;
	int i = mouse_pane_at(ui, ev.y, ev.x);
	if (i < 0)
		return UI_HANDLED;
	struct pane *p = ui->panes[i];
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		struct key_event k = {.action = ev.bstate & BUTTON4_PRESSED ? ACT_UP : ACT_DOWN};
		for (int n = 0; n < 3; n++)
			p->ops->key(p, ui, &k);
		return UI_HANDLED | UI_REDRAW;
	}
	if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) {
		ui_focus(ui, i);
		if (i == UI_P_FLEETS || i == UI_P_DRIVERS)
			list_select_screen_row(p, ev.y - p->y);
		return UI_HANDLED | UI_REDRAW;
	}
	return UI_HANDLED;
}
