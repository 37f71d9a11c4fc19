/*
 * extensions.c — where other modules hook their actions into the console,
 * once, before the key map is built (ui.h, "How the forms plug in").  Each
 * module adds one call here; the core never names them anywhere else.
 */
#include "chargetui/edit.h"
#include "chargetui/ui.h"

void ui_extensions_init(void)
{
	edit_actions_register(); /* e n a d: the edit forms (edit_actions.c) */
}
