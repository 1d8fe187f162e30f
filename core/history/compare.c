/*
 * The delta between two snapshots, like for like (docs/report-json.md,
 * "history").  A change is counted only when both runs could see it: a
 * finding that vanished while its collector did not run again is "not
 * re-checked", never "fixed"; a capability whose collector failed is not
 * "lost".  Snapshots written before these rules (no "collectors" member)
 * compare as before: every collector is taken to have run.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history/compare.h"
#include "history/keydiff.h"
#include "jsonget.h"
#include "util.h"

static const char *const severities[] = {
	"critical", "high", "medium", "low", "info", "unknown",
};

static bool
is_str(const cJSON *v, const char *s)
{
	return cJSON_IsString(v) && !strcmp(v->valuestring, s);
}

/* Did collector @name run completely in @snap?  Snapshots from before
 * this rule (no "collectors") and a NULL name: taken as yes. */
static bool
ran_ok(const cJSON *snap, const char *name)
{
	const cJSON *all = og_jget(snap, "collectors");

	if (!cJSON_IsObject(all) || !name)
		return true;
	return is_str(og_jget(all, name), "ok");
}

/* Every target collector @name examined in @a was examined again in @b
 * (host->target; docs/report-json.md "history").  Snapshots from before
 * targets, and a collector that declares none in either run, compare by
 * status alone; declared in one run only: not the same. */
static bool
covers(const cJSON *a, const cJSON *b, const char *name)
{
	const cJSON *all_a = og_jget(a, "collector_targets");
	const cJSON *all_b = og_jget(b, "collector_targets");
	const cJSON *ta, *tb, *t, *u;

	if (!cJSON_IsObject(all_a) || !cJSON_IsObject(all_b) || !name)
		return true;
	ta = og_jget(all_a, name);
	tb = og_jget(all_b, name);
	if (!ta || !tb)
		return !ta && !tb;
	cJSON_ArrayForEach(t, ta) {
		bool found = false;

		cJSON_ArrayForEach(u, tb)
			if (cJSON_IsString(t) && cJSON_IsString(u) &&
			    !strcmp(t->valuestring, u->valuestring)) {
				found = true;
				break;
			}
		if (!found)
			return false;
	}
	return true;
}

static bool
same_targets(const cJSON *a, const cJSON *b, const char *name)
{
	return covers(a, b, name) && covers(b, a, name);
}

/* Over the comma-separated collector list @srcs (NULL: not recorded):
 * whether every one (@all) or some one ran completely in @snap over
 * every target it examined in @other. */
static bool
sources_ran(const cJSON *snap, const cJSON *other, const char *srcs, bool all)
{
	bool some = false;

	if (!srcs || !*srcs)
		return true;
	for (const char *p = srcs; *p;) {
		size_t n = strcspn(p, ",");
		char name[128];

		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		if (ran_ok(snap, name) && covers(other, snap, name))
			some = true;
		else if (all)
			return false;
		p += n + (p[n] == ',');
	}
	return all || some;
}

static bool
complete(const cJSON *snap)
{
	return !cJSON_IsFalse(og_jget(snap, "complete"));
}

static void
listed(cJSON *list, long *count, const char *key)
{
	if (*count < OG_COMPARE_LIST_MAX)
		cJSON_AddItemToArray(list, cJSON_CreateString(key));
	++*count;
}

static bool
crit_high_sev(const struct og_snap_finding *f)
{
	return f->sev <= 1;	/* og_snap_severities: critical, high */
}

/* The findings walk's state: both snapshots, the lists, the counts. */
struct fwalk {
	const cJSON *prev, *cur;
	bool scanned_both;
	cJSON *fresh, *fixed, *norc;
	long n_fresh, n_fixed, n_not_rechecked, n_unchecked_before, n_both;
	bool ch_changed;
};

/*
 * One fingerprint of the merge walk.  Vanished: fixed when every
 * collector that reported it ran completely now over every target it
 * examined then, else not re-checked.  Appeared: new when one of its
 * collectors ran completely last time over every target it examines now
 * (and did not see it), else it was not checked before.
 */
static void
compare_finding(void *ctx, const struct og_snap_finding *was,
		const struct og_snap_finding *now)
{
	struct fwalk *w = ctx;

	if (was && now) {
		w->n_both++;
		if (w->scanned_both && crit_high_sev(was) != crit_high_sev(now))
			w->ch_changed = true;
	} else if (was) {
		if (w->scanned_both &&
		    sources_ran(w->cur, w->prev, was->sources, true)) {
			listed(w->fixed, &w->n_fixed, was->fp);
			w->ch_changed |= crit_high_sev(was);
		} else {
			listed(w->norc, &w->n_not_rechecked, was->fp);
		}
	} else {
		if (w->scanned_both &&
		    sources_ran(w->prev, w->cur, now->sources, false)) {
			listed(w->fresh, &w->n_fresh, now->fp);
			w->ch_changed |= crit_high_sev(now);
		} else {
			w->n_unchecked_before++;
		}
	}
}

/* The collector (or "attestation") capability @id's status came from. */
static const char *
cap_via(const cJSON *snap, const char *id)
{
	return og_jstr(og_jget(og_jget(snap, "capability_via"), id));
}

/* A status that was seen (observed or attested) by a collector that ran
 * completely in @snap. */
static bool
cap_observed(const cJSON *snap, const char *id, const cJSON *status)
{
	const char *via = cap_via(snap, id);

	if (!is_str(status, "met") && !is_str(status, "missing") &&
	    !is_str(status, "not_applicable"))
		return false;
	/* attested, or the assessment's own figure (no collector of that
	 * name): as seen as the status says */
	if (!via || !og_jget(og_jget(snap, "collectors"), via))
		return true;
	return ran_ok(snap, via);
}

/*
 * Gained: observed missing, now observed met.  Lost: met, now observed
 * missing.  Met or missing before and not observed now: not re-checked.
 * Anything first seen now (unknown before) is neither gained nor lost.
 */
static void
compare_capabilities(const cJSON *prev, const cJSON *cur, cJSON *d)
{
	cJSON *gained = cJSON_AddArrayToObject(d, "capabilities_gained");
	cJSON *lost = cJSON_AddArrayToObject(d, "capabilities_lost");
	cJSON *norc = cJSON_AddArrayToObject(d, "capabilities_not_rechecked");
	struct og_member *p, *c;
	size_t np, nc, i = 0, j = 0;
	long ng = 0, nl = 0, nn = 0, first = 0;

	p = og_sorted_members(og_jget(prev, "capabilities"), &np, NULL);
	c = og_sorted_members(og_jget(cur, "capabilities"), &nc, NULL);
	while (i < np || j < nc) {
		int cmp = i == np ? 1 : j == nc ? -1 : strcmp(p[i].key, c[j].key);
		const char *id = cmp <= 0 ? p[i].key : c[j].key;
		const cJSON *was = cmp <= 0 ? p[i].val : NULL;
		const cJSON *now = cmp >= 0 ? c[j].val : NULL;
		bool seen_was = was && cap_observed(prev, id, was);
		bool seen_now = now && cap_observed(cur, id, now);
		/* a status seen over another target is not a re-check */
		bool like = same_targets(prev, cur, cap_via(cur, id) ?
					 cap_via(cur, id) : cap_via(prev, id));

		if (seen_was && !(seen_now && like) &&
		    !is_str(was, "not_applicable"))
			listed(norc, &nn, id);
		else if (seen_was && is_str(was, "missing") && is_str(now, "met"))
			listed(gained, &ng, id);
		else if (seen_now && like && is_str(was, "met") &&
			 is_str(now, "missing"))
			listed(lost, &nl, id);
		else if (!seen_was && seen_now && !is_str(now, "not_applicable"))
			first++;
		i += cmp <= 0;
		j += cmp >= 0;
	}
	free(p);
	free(c);
	cJSON_AddNumberToObject(d, "capabilities_not_rechecked_count", (double)nn);
	cJSON_AddNumberToObject(d, "capabilities_first_observed_count",
				(double)first);
}

/* "targets_before"/"targets_now" of collector @name (null: none declared). */
static void
add_targets_changed(cJSON *e, const cJSON *prev, const cJSON *cur,
		    const char *name)
{
	const cJSON *side[2] = { og_jget(og_jget(prev, "collector_targets"), name),
				 og_jget(og_jget(cur, "collector_targets"), name) };
	static const char *const keys[2] = { "targets_before", "targets_now" };

	for (int i = 0; i < 2; i++)
		cJSON_AddItemToObject(e, keys[i], side[i] ? cJSON_Duplicate(side[i], 1)
							  : cJSON_CreateNull());
}

/*
 * Collectors whose "ran completely", or whose targets, differ between the
 * runs, as
 * {collector, before, now} (status or null when absent).  Either run
 * incomplete, or any such difference, makes the runs unlike.
 */
static bool
compare_collectors(const cJSON *prev, const cJSON *cur, cJSON *d)
{
	cJSON *ch = cJSON_AddArrayToObject(d, "collectors_changed");
	const cJSON *sides[2] = { og_jget(prev, "collectors"),
				  og_jget(cur, "collectors") };
	const cJSON *it;

	if (!cJSON_IsObject(sides[0]) || !cJSON_IsObject(sides[1]))
		return complete(prev) && complete(cur);
	for (int s = 0; s < 2; s++) {
		cJSON_ArrayForEach(it, sides[s]) {
			const cJSON *other = og_jget(sides[!s], it->string);
			cJSON *e;

			/* each name once: from the current side, or from the
			 * previous one only when absent now */
			if (s == 0 && other)
				continue;
			if (ran_ok(prev, it->string) == ran_ok(cur, it->string) &&
			    same_targets(prev, cur, it->string))
				continue;
			e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "collector", it->string);
			cJSON_AddItemToObject(e, "before", s == 0 ?
				cJSON_Duplicate(it, 0) : other ?
				cJSON_Duplicate(other, 0) : cJSON_CreateNull());
			cJSON_AddItemToObject(e, "now", s == 1 ?
				cJSON_Duplicate(it, 0) : cJSON_CreateNull());
			if (!same_targets(prev, cur, it->string))
				add_targets_changed(e, prev, cur, it->string);
			cJSON_AddItemToArray(ch, e);
		}
	}
	return complete(prev) && complete(cur) && cJSON_GetArraySize(ch) == 0;
}

static cJSON *
level_value(const cJSON *snap)
{
	const cJSON *l = og_jget(snap, "level");

	return cJSON_IsNumber(l) ? cJSON_CreateNumber(l->valuedouble) :
				   cJSON_CreateNull();
}

static bool
scanned(const cJSON *snap)
{
	return !cJSON_IsFalse(og_jget(snap, "scanned"));
}

/* Gates that appeared, vanished or flipped status. */
static void
compare_gates(const cJSON *prev, const cJSON *cur, cJSON *d)
{
	cJSON *gates = cJSON_AddArrayToObject(d, "gates_changed");
	const cJSON *gp = og_jget(prev, "gates"), *gc = og_jget(cur, "gates");
	const cJSON *g;

	cJSON_ArrayForEach(g, gc) {
		const cJSON *p = og_jget(gp, g->string);

		if (!p || !cJSON_IsString(p) || !cJSON_IsString(g) ||
		    strcmp(p->valuestring, g->valuestring))
			cJSON_AddItemToArray(gates, cJSON_CreateString(g->string));
	}
	cJSON_ArrayForEach(g, gp)
		if (!og_jget(gc, g->string))
			cJSON_AddItemToArray(gates, cJSON_CreateString(g->string));
}

static void
compare_open(const cJSON *prev, const cJSON *cur, cJSON *d)
{
	cJSON *open = cJSON_AddObjectToObject(d, "open");

	for (size_t i = 0; i < sizeof(severities) / sizeof(severities[0]); i++) {
		const cJSON *a = og_jget(og_jget(prev, "open"), severities[i]);
		const cJSON *b = og_jget(og_jget(cur, "open"), severities[i]);
		cJSON *o = cJSON_AddObjectToObject(open, severities[i]);

		cJSON_AddNumberToObject(o, "from",
					cJSON_IsNumber(a) ? a->valuedouble : 0);
		cJSON_AddNumberToObject(o, "to",
					cJSON_IsNumber(b) ? b->valuedouble : 0);
	}
}

cJSON *
og_history_delta(const struct og_snapshot *ps, const struct og_snapshot *cs)
{
	const cJSON *prev = ps->doc, *cur = cs->doc;
	/* a list let go is not "no findings": not compared (history.c keeps
	 * every list it compares; this is the guard) */
	bool both = scanned(prev) && scanned(cur) && !ps->findings_dropped &&
		    !cs->findings_dropped, like;
	cJSON *d = cJSON_CreateObject();
	cJSON *lv = cJSON_AddObjectToObject(d, "level");
	struct fwalk w = { .prev = prev, .cur = cur };

	like = compare_collectors(prev, cur, d);
	cJSON_AddBoolToObject(d, "like_for_like", like);
	cJSON_AddItemToObject(lv, "from", level_value(prev));
	cJSON_AddItemToObject(lv, "to", level_value(cur));
	/* A level from a run that saw less is not a change of the team's. */
	cJSON_AddBoolToObject(lv, "compared", like);

	w.scanned_both = both;
	w.fresh = cJSON_AddArrayToObject(d, "findings_new");
	w.fixed = cJSON_AddArrayToObject(d, "findings_fixed");
	w.norc = cJSON_AddArrayToObject(d, "findings_not_rechecked");
	og_snap_walk(ps->f, ps->n, cs->f, cs->n, compare_finding, &w);
	if (both)
		cJSON_AddNumberToObject(d, "findings_still_open", (double)w.n_both);
	else
		cJSON_AddNullToObject(d, "findings_still_open");
	cJSON_AddBoolToObject(d, "findings_compared", both);
	cJSON_AddNumberToObject(d, "findings_new_count", (double)w.n_fresh);
	cJSON_AddNumberToObject(d, "findings_fixed_count", (double)w.n_fixed);
	cJSON_AddNumberToObject(d, "findings_not_rechecked_count",
				(double)w.n_not_rechecked);
	cJSON_AddNumberToObject(d, "findings_unchecked_before_count",
				(double)w.n_unchecked_before);
	cJSON_AddBoolToObject(d, "critical_high_changed", w.ch_changed);
	compare_capabilities(prev, cur, d);
	compare_gates(prev, cur, d);
	compare_open(prev, cur, d);
	return d;
}
