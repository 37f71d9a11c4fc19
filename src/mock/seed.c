/*
 * seed.c — a deterministic demo account: fleets in several countries and
 * currencies (jpy has no minor unit), drivers with names in many scripts,
 * suspended and archived drivers, drivers in two fleets, drivers in none, one
 * fleet with nobody in it, and a history of charging sessions behind the
 * fleet totals.  Everything comes from the seeded generator, so one seed
 * always gives the same account.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mk_city {
	const char *city, *country, *line1, *line2, *postal, *state, *tz, *currency, *phone;
	int metric;
	const char *fleet_name; /* how the fleet is named locally */
};

static const struct mk_city mk_cities[] = {
    {"Paris", "FR", "10 Rue de la Paix", "Bâtiment A", "75002", "Île-de-France", "Europe/Paris",
     "eur", "+331890", MK_SI, "Paris Électrique"},
    {"London", "GB", "221 Baker Street", NULL, "NW1 6XE", "England", "Europe/London", "gbp",
     "+44207", MK_IMPERIAL, "London Couriers"},
    {"東京", "JP", "千代田区丸の内1-9-1", NULL, "100-0005", "東京都", "Asia/Tokyo", "jpy", "+81335",
     MK_SI, "東京 配送センター"},
    {"New York", "US", "350 5th Ave", "Floor 21", "10118", "NY", "America/New_York", "usd",
     "+121255", MK_US, "NYC Yellow EV"},
    {"Berlin", "DE", "Friedrichstraße 43", "Hinterhaus", "10117", "Berlin", "Europe/Berlin", "eur",
     "+49302", MK_SI, "Berliner Lieferdienst"},
    {"Madrid", "ES", "Calle de Alcalá 42", NULL, "28014", "Comunidad de Madrid", "Europe/Madrid",
     "eur", "+34910", MK_SI, "Taxis Madrileños"},
    {"Zürich", "CH", "Bahnhofstrasse 1", NULL, "8001", "ZH", "Europe/Zurich", "chf", "+41445",
     MK_SI, "Zürich Shuttle"},
    {"Warszawa", "PL", "ul. Marszałkowska 84", "lok. 12", "00-514", "mazowieckie", "Europe/Warsaw",
     "pln", "+48221", MK_SI, "Łódź–Warszawa Logistyka"},
    {"Dubai", "AE", "Sheikh Zayed Road 1", NULL, "00000", "Dubai", "Asia/Dubai", "aed", "+97143",
     MK_SI, "أسطول دبي"},
    {"Montréal", "CA", "1000 Rue Sherbrooke O", "Suite 200", "H3A 3G4", "QC", "America/Toronto",
     "cad", "+151439", MK_SI, "Flotte Montréal"},
    {"大阪", "JP", "北区梅田3-1-1", NULL, "530-0001", "大阪府", "Asia/Tokyo", "jpy", "+81663",
     MK_SI, "大阪タクシー"},
    {"San Francisco", "US", "1 Market St", NULL, "94105", "CA", "America/Los_Angeles", "usd",
     "+141555", MK_US, "Bay Area Rideshare"},
};
#define MK_NCITIES ((int)(sizeof mk_cities / sizeof mk_cities[0]))

struct mk_name {
	const char *s, *ascii;
};
enum { MK_GIVEN_FAMILY, MK_FAMILYGIVEN, MK_FAMILY_GIVEN };
struct mk_culture {
	const struct mk_name *given;
	int ngiven;
	const struct mk_name *family;
	int nfamily, style;
};

#define N(a) a, (int)(sizeof a / sizeof a[0])
static const struct mk_name fr_g[] = {{"Zoë", "zoe"},       {"Amélie", "amelie"},
                                      {"Benoît", "benoit"}, {"Chloé", "chloe"},
                                      {"Théo", "theo"},     {"Hélène", "helene"}};
static const struct mk_name fr_f[] = {{"Lefèvre", "lefevre"}, {"Dubois", "dubois"},
                                      {"Moreau", "moreau"},   {"Bérenger", "berenger"},
                                      {"Faure", "faure"},     {"Rousseau", "rousseau"}};
static const struct mk_name de_g[] = {{"Jürgen", "juergen"},
                                      {"Jörg", "joerg"},
                                      {"Lukas", "lukas"},
                                      {"Sören", "soeren"},
                                      {"Käthe", "kaethe"}};
static const struct mk_name de_f[] = {{"Groß", "gross"},
                                      {"Müller", "mueller"},
                                      {"Schäfer", "schaefer"},
                                      {"Weiß", "weiss"},
                                      {"Köhler", "koehler"}};
static const struct mk_name es_g[] = {{"José", "jose"},
                                      {"María", "maria"},
                                      {"Íñigo", "inigo"},
                                      {"Lucía", "lucia"},
                                      {"Sebastián", "sebastian"}};
static const struct mk_name es_f[] = {
    {"Álvarez", "alvarez"}, {"Muñoz", "munoz"}, {"García", "garcia"}, {"Ibáñez", "ibanez"}};
static const struct mk_name zh_f[] = {
    {"王", "wang"}, {"李", "li"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"}};
static const struct mk_name zh_g[] = {{"芳", "fang"}, {"伟", "wei"},  {"敏", "min"},
                                      {"洋", "yang"}, {"静", "jing"}, {"秀英", "xiuying"}};
static const struct mk_name ru_g[] = {{"Дмитрий", "dmitry"},
                                      {"Анна", "anna"},
                                      {"Сергей", "sergey"},
                                      {"Ольга", "olga"},
                                      {"Алексей", "alexey"}};
static const struct mk_name ru_f[] = {
    {"Иванов", "ivanov"}, {"Кузнецов", "kuznetsov"}, {"Попов", "popov"}, {"Соколов", "sokolov"}};
static const struct mk_name ar_g[] = {{"محمد", "mohammed"},
                                      {"فاطمة", "fatima"},
                                      {"أحمد", "ahmed"},
                                      {"ليلى", "layla"},
                                      {"يوسف", "youssef"}};
static const struct mk_name ar_f[] = {
    {"العلي", "alali"}, {"حداد", "haddad"}, {"الخطيب", "alkhatib"}, {"منصور", "mansour"}};
static const struct mk_name ja_f[] = {{"佐藤", "sato"},
                                      {"鈴木", "suzuki"},
                                      {"高橋", "takahashi"},
                                      {"田中", "tanaka"},
                                      {"伊藤", "ito"}};
static const struct mk_name ja_g[] = {
    {"健", "ken"}, {"陽菜", "hina"}, {"翔", "sho"}, {"美咲", "misaki"}, {"蓮", "ren"}};
static const struct mk_name vi_f[] = {
    {"Nguyễn", "nguyen"}, {"Trần", "tran"}, {"Lê", "le"}, {"Phạm", "pham"}};
static const struct mk_name vi_g[] = {{"Ngọc Anh", "ngocanh"},
                                      {"Văn Hùng", "vanhung"},
                                      {"Thị Mai", "thimai"},
                                      {"Minh Đức", "minhduc"}};
static const struct mk_name en_g[] = {{"Olivia", "olivia"}, {"James", "james"},
                                      {"Amelia", "amelia"}, {"Noah", "noah"},
                                      {"Grace", "grace"},   {"Oliver", "oliver"}};
static const struct mk_name en_f[] = {{"Smith", "smith"},
                                      {"O'Brien", "obrien"},
                                      {"Taylor", "taylor"},
                                      {"Williams", "williams"},
                                      {"Brown-Jones", "brownjones"}};
static const struct mk_name pl_g[] = {
    {"Łukasz", "lukasz"}, {"Małgorzata", "malgorzata"}, {"Paweł", "pawel"}, {"Zofia", "zofia"}};
static const struct mk_name pl_f[] = {
    {"Wójcik", "wojcik"}, {"Kowalski", "kowalski"}, {"Żak", "zak"}, {"Dąbrowski", "dabrowski"}};
static const struct mk_name el_g[] = {
    {"Γιώργος", "giorgos"}, {"Ελένη", "eleni"}, {"Νίκος", "nikos"}};
static const struct mk_name el_f[] = {{"Παπαδόπουλος", "papadopoulos"}, {"Οικονόμου", "oikonomou"}};
static const struct mk_name hi_g[] = {{"प्रिया", "priya"}, {"अर्जुन", "arjun"}, {"अनन्या", "ananya"}};
static const struct mk_name hi_f[] = {{"शर्मा", "sharma"}, {"पटेल", "patel"}};
static const struct mk_name ko_f[] = {{"김", "kim"}, {"이", "lee"}, {"박", "park"}};
static const struct mk_name ko_g[] = {{"민준", "minjun"}, {"서연", "seoyeon"}, {"지호", "jiho"}};

static const struct mk_culture mk_cultures[] = {
    {N(fr_g), N(fr_f), MK_GIVEN_FAMILY}, {N(de_g), N(de_f), MK_GIVEN_FAMILY},
    {N(es_g), N(es_f), MK_GIVEN_FAMILY}, {N(zh_g), N(zh_f), MK_FAMILYGIVEN},
    {N(ru_g), N(ru_f), MK_GIVEN_FAMILY}, {N(ar_g), N(ar_f), MK_GIVEN_FAMILY},
    {N(ja_g), N(ja_f), MK_FAMILY_GIVEN}, {N(vi_g), N(vi_f), MK_FAMILY_GIVEN},
    {N(en_g), N(en_f), MK_GIVEN_FAMILY}, {N(en_g), N(en_f), MK_GIVEN_FAMILY},
    {N(pl_g), N(pl_f), MK_GIVEN_FAMILY}, {N(el_g), N(el_f), MK_GIVEN_FAMILY},
    {N(hi_g), N(hi_f), MK_GIVEN_FAMILY}, {N(ko_g), N(ko_f), MK_FAMILYGIVEN},
};
#undef N
#define MK_NCULTURES ((int)(sizeof mk_cultures / sizeof mk_cultures[0]))

/* The first drivers carry exactly these names, so every seed shows them. */
static const struct mk_name mk_showcase[] = {
    {"Zoë Lefèvre", "zoe.lefevre"},
    {"Jürgen Groß", "juergen.gross"},
    {"José Álvarez", "jose.alvarez"},
    {"王芳", "wang.fang"},
    {"Дмитрий Иванов", "dmitry.ivanov"},
    {"محمد", "mohammed"},
    {"佐藤 健", "sato.ken"},
    {"Ngọc Anh", "ngoc.anh"},
};

static const char *const mk_cpos[] = {"example_operator", "ionity",  "fastned",
                                      "allego",           "electra", "tesla_supercharger"};
static const char *const mk_domains[] = {"example.com", "example.org", "example.net"};

#define R(n) ((int)mk_rng_below(&st->rng, (uint64_t)(n)))
#define DAY_MS (86400000LL)
/* 2026-01-05T08:00:00.000Z: seeded history starts here. */
#define MK_SEED_BASE 1767600000000LL

static void mk_seed_pools(struct mk_state *st)
{
	st->nstations = 40;
	st->npolicies = 8;
	st->npayment_methods = 30;
	st->stations = mk_xcalloc((size_t)st->nstations, sizeof *st->stations);
	st->policies = mk_xcalloc((size_t)st->npolicies, sizeof *st->policies);
	st->payment_methods = mk_xcalloc((size_t)st->npayment_methods, sizeof *st->payment_methods);
	for (int i = 0; i < st->nstations; i++)
		mk_rng_id(&st->rng, "chst_", st->stations[i]);
	for (int i = 0; i < st->npolicies; i++)
		mk_rng_id(&st->rng, "pol_", st->policies[i]);
	for (int i = 0; i < st->npayment_methods; i++)
		mk_rng_id(&st->rng, "pm_", st->payment_methods[i]);
}

static void mk_seed_fleet(struct mk_state *st, int i, int nfleets)
{
	const struct mk_city *c = &mk_cities[i % MK_NCITIES];
	struct mk_fleet *f = mk_fleet_new(st, MK_SEED_BASE + i * 3 * 3600000LL + R(3600000));
	f->updated = f->created + R(10 * DAY_MS);
	const char *addr[MK_NADDR] = {c->city, c->country, c->line1, c->line2, c->postal, c->state};
	for (int k = 0; k < MK_NADDR; k++)
		f->address[k] = mk_xstrdup(addr[k]);
	if (i < MK_NCITIES)
		f->name = mk_xstrdup(c->fleet_name);
	else
		f->name = mk_printf("%s %d", c->fleet_name, i / MK_NCITIES + 1);
	static const char *const descs[] = {NULL, "Night-shift taxis", "Last-mile parcel vans",
	                                    "Airport shuttles — terminal 2", NULL};
	f->description = mk_xstrdup(descs[R(5)]);
	if (R(4))
		f->email = mk_printf("ops%d@%s", i + 1, mk_domains[R(3)]);
	if (R(3))
		f->phone = mk_printf("%s%06d", c->phone, R(1000000));
	if (R(2)) {
		mk_meta_set(&f->metadata, "region", c->country[0] <= 'F' ? "emea-west" : "global");
		char cc[16];
		snprintf(cc, sizeof cc, "CC-%03d", R(1000));
		mk_meta_set(&f->metadata, "cost_center", cc);
	}
	f->metric_system = c->metric;
	for (int k = R(3); k > 0; k--)
		mk_strv_push(&f->policy_ids, st->policies[R(st->npolicies)]);
	f->prefs.billing_cycle = R(MK_NCYCLE);
	snprintf(f->prefs.default_currency, sizeof f->prefs.default_currency, "%s", c->currency);
	if (R(2))
		f->prefs.default_payment_method =
		    mk_xstrdup(st->payment_methods[R(st->npayment_methods)]);
	f->prefs.notifications = R(5) != 0;
	f->prefs.report_frequency = R(MK_NFREQ);
	/* A suspended and an archived fleet, when there are enough fleets. */
	f->status = (i == 5 && nfleets > 6)   ? MK_SUSPENDED
	            : (i == 8 && nfleets > 9) ? MK_ARCHIVED
	                                      : MK_ACTIVE;
	f->timezone = mk_xstrdup(c->tz);
	bool yen = strcmp(c->currency, "jpy") == 0;
	f->wallet_balance = yen ? 10000 + R(2000000) : 100000 + R(5000000);
}

static void mk_seed_name(struct mk_state *st, int i, struct mk_driver *d)
{
	char handle[96];
	if (i < (int)(sizeof mk_showcase / sizeof mk_showcase[0])) {
		d->name = mk_xstrdup(mk_showcase[i].s);
		snprintf(handle, sizeof handle, "%s", mk_showcase[i].ascii);
	} else {
		const struct mk_culture *c = &mk_cultures[R(MK_NCULTURES)];
		const struct mk_name *g = &c->given[R(c->ngiven)], *f = &c->family[R(c->nfamily)];
		if (c->style == MK_GIVEN_FAMILY)
			d->name = mk_printf("%s %s", g->s, f->s);
		else if (c->style == MK_FAMILYGIVEN)
			d->name = mk_printf("%s%s", f->s, g->s);
		else
			d->name = mk_printf("%s %s", f->s, g->s);
		snprintf(handle, sizeof handle, "%s.%s", g->ascii, f->ascii);
	}
	d->email = mk_printf("%s%d@%s", handle, i + 1, mk_domains[R(3)]);
}

static void mk_seed_fleets_of(struct mk_state *st, int i, struct mk_driver *d, int eligible)
{
	if (eligible <= 0)
		return;
	int roll = R(100), n = roll < 5 ? 0 : roll < 85 ? 1 : 2;
	if (i == 0)
		n = 2; /* always at least one driver in two fleets */
	if (i == 3)
		n = 0; /* and one in none */
	if (n > eligible)
		n = eligible;
	int first = R(eligible);
	if (n >= 1)
		mk_driver_attach(st, d, first, d->created);
	if (n == 2)
		mk_driver_attach(st, d, (first + 1 + R(eligible - 1)) % eligible, d->created);
}

static void mk_seed_driver(struct mk_state *st, int i, int64_t created, int eligible)
{
	struct mk_driver *d = mk_driver_new(st, created);
	mk_seed_name(st, i, d);
	/* Vehicles first: attaching counts them into the fleet totals. */
	int roll = R(100), nveh = roll < 15 ? 0 : roll < 70 ? 1 : roll < 95 ? 2 : 3;
	for (int k = 0; k < nveh; k++) {
		char vid[MK_ID_MAX];
		mk_rng_id(&st->rng, "veh_", vid);
		mk_strv_push(&d->vehicles, vid);
	}
	mk_seed_fleets_of(st, i, d, eligible);
	const struct mk_city *c =
	    d->nfleets ? &mk_cities[d->fleets[0] % MK_NCITIES] : &mk_cities[R(MK_NCITIES)];
	if (R(10) < 7)
		d->phone = mk_printf("%s%06d", c->phone, R(1000000));
	if (R(10) < 6)
		d->license_number = mk_printf("%s-%08d", c->country, R(100000000));
	for (int k = R(3); k > 0; k--)
		mk_strv_push(&d->policy_ids, st->policies[R(st->npolicies)]);
	d->prefs.charging_speed = R(MK_NSPEED);
	snprintf(d->prefs.currency, sizeof d->prefs.currency, "%s", c->currency);
	bool yen = strcmp(c->currency, "jpy") == 0;
	if (R(2))
		d->prefs.default_payment_method =
		    mk_xstrdup(st->payment_methods[R(st->npayment_methods)]);
	if (R(10) < 6) {
		d->prefs.has_max_price = true;
		d->prefs.max_price_per_kwh = yen ? 40 + R(40) : 20 + R(40);
	}
	d->prefs.notifications = R(5) != 0;
	for (int k = R(4); k > 0; k--)
		mk_strv_push(&d->prefs.stations, st->stations[R(st->nstations)]);
	for (int k = R(3); k > 0; k--)
		mk_strv_push(&d->prefs.cpos, mk_cpos[R(6)]);
	int s = R(100);
	d->status = s < 85 ? MK_ACTIVE : s < 95 ? MK_SUSPENDED : MK_ARCHIVED;
	if (i == 1)
		d->status = MK_SUSPENDED;
	if (i == 2)
		d->status = MK_ARCHIVED;
	d->wallet_balance = yen ? R(20000) : R(50000);
	if (R(10) < 3) {
		char v[32];
		snprintf(v, sizeof v, "E%05d", i + 1);
		mk_meta_set(&d->metadata, "employee_id", v);
		if (R(2))
			mk_meta_set(&d->metadata, "shift", R(2) ? "night" : "day");
	}
	d->updated = created + R(10 * DAY_MS);
}

/* Sessions are generated as (driver, start) pairs and created in start order,
 * so "newest first" by creation is also newest first by time. */
struct mk_pending {
	int64_t start;
	int driver;
};

static int mk_pending_cmp(const void *a, const void *b)
{
	const struct mk_pending *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start ? 1 : x->driver - y->driver;
}

void mk_seed_session_fill(struct mk_state *st, struct mk_session *s, const struct mk_driver *d,
                          int didx)
{
	s->driver = didx;
	s->fleet = d->nfleets ? d->fleets[R(d->nfleets)] : -1;
	const struct mk_city *c = s->fleet >= 0 ? &mk_cities[s->fleet % MK_NCITIES] : &mk_cities[0];
	snprintf(s->country, sizeof s->country, "%s", c->country);
	snprintf(s->currency, sizeof s->currency, "%s", d->prefs.currency);
	snprintf(s->vehicle, sizeof s->vehicle, "%s", d->vehicles.v[R(d->vehicles.n)]);
	s->station = R(st->nstations);
	s->connector = R(8);
	s->payment_method = R(st->npayment_methods);
	if (R(10) < 3)
		s->limit_wh = 20000 + 5000 * R(10);
}

static void mk_seed_sessions(struct mk_state *st, int64_t end)
{
	int cap = st->ndrivers * 2 + 8, n = 0;
	struct mk_pending *p = mk_xcalloc((size_t)cap, sizeof *p);
	for (int i = 0; i < st->ndrivers; i++) {
		const struct mk_driver *d = st->drivers[i];
		if (!d->vehicles.n)
			continue;
		for (int k = R(5); k > 0 && n < cap; k--) {
			int64_t span = end - d->created;
			p[n].start =
			    d->created +
			    (span > 0 ? (int64_t)mk_rng_below(&st->rng, (uint64_t)span) : 0);
			p[n++].driver = i;
		}
	}
	qsort(p, (size_t)n, sizeof *p, mk_pending_cmp);
	for (int i = 0; i < n; i++) {
		struct mk_session *s = mk_session_new(st, p[i].start);
		mk_seed_session_fill(st, s, st->drivers[p[i].driver], p[i].driver);
		int roll = R(100);
		bool yen = strcmp(s->currency, "jpy") == 0;
		if (i >= n - 1 - n / 100) {
			s->status = MK_SESS_ACTIVE; /* the newest few are still charging */
			s->energy_wh = 1000 + R(20000);
			mk_active_push(st, (int)(s - st->sessions));
		} else if (roll < 4) {
			s->status = MK_SESS_FAILED;
			s->ended = s->started + 60000 + R(240000);
		} else if (roll < 8) {
			s->status = MK_SESS_CANCELLED;
			s->ended = s->started + 60000 + R(600000);
		} else {
			s->status = MK_SESS_COMPLETED;
			s->energy_wh = 5000 + R(75000);
			s->ended = s->started + 20 * 60000 + R(70 * 60000);
			int64_t price = yen ? 40 + R(30) : 35 + R(25);
			s->amount_due = s->amount_paid = s->energy_wh * price / 1000;
		}
		s->updated = s->ended ? s->ended : s->started;
		mk_session_account(st, s);
	}
	free(p);
}

void mk_seed(struct mk_state *st, int nfleets, int ndrivers)
{
	mk_seed_pools(st);
	for (int i = 0; i < nfleets; i++)
		mk_seed_fleet(st, i, nfleets);
	/* The newest fleet stays empty (drivers pick from the others). */
	int eligible = nfleets >= 2 ? nfleets - 1 : nfleets;
	int64_t start = MK_SEED_BASE + (int64_t)nfleets * 3 * 3600000LL + 3600000;
	int64_t span = 90 * DAY_MS, step = ndrivers ? span / ndrivers : 0;
	for (int i = 0; i < ndrivers; i++)
		mk_seed_driver(st, i, start + i * step + (step > 1 ? R(step / 2 + 1) : 0),
		               eligible);
	int64_t end = start + span + DAY_MS;
	mk_seed_sessions(st, end);
	/* Membership changes during the seed stamped fleets with driver times;
	 * keep `updated` >= `created` and the clock past all of it. */
	for (int i = 0; i < st->nfleets; i++)
		if (st->fleets[i]->updated < st->fleets[i]->created)
			st->fleets[i]->updated = st->fleets[i]->created;
	st->last_ms = end + 30 * DAY_MS;
}
