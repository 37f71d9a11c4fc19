/*
 * extensions.c — where other modules hook their actions into the console,
 * once, before the key map is built (ui.h, "How the forms plug in").  Each
 * module adds one call here; the core never names them anywhere else.
 */
#include "chargetui/ui.h"

void ui_extensions_init(void)
{
	/* e.g. edit_actions_register();  (the forms module, when it lands) */
}
