/*
 * libyaml events → struct ynode tree.  libyaml reports 0-based marks; we
 * keep 1-based lines.  Anchors are remembered by name (a later anchor of
 * the same name wins, as in YAML); an unknown alias is a parse error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "htab.h"
#include "repo.h"
#include "ytree.h"

#define YTREE_MAX_NODES		200000
#define YTREE_MAX_DEPTH		128

struct anchor {
	char *name;
	struct ynode *node;
};

struct builder {
	struct ytree *t;
	struct anchor *anchors;
	size_t n_anchors, cap_anchors;
	/* Anchor name -> index into anchors: a workflow with 40k anchors
	 * and aliases took 5 s of CPU with a linear search (issue 15 row
	 * 11).  Keys are the anchors' own names. */
	struct og_htab index;
	struct ynode *stack[YTREE_MAX_DEPTH];
	size_t depth;
};

static struct ynode *
new_node(struct builder *b, enum ynode_type type, const yaml_mark_t *mark)
{
	struct ytree *t = b->t;
	struct ynode *n;

	if (t->n_all >= YTREE_MAX_NODES)
		return NULL;
	if (t->n_all == t->cap_all) {
		t->cap_all = t->cap_all ? t->cap_all * 2 : 64;
		t->all = repo_xrealloc(t->all, t->cap_all, sizeof(*t->all));
	}
	n = calloc(1, sizeof(*n));
	if (!n)
		abort();
	n->type = type;
	n->line = (unsigned)mark->line + 1;
	t->all[t->n_all++] = n;
	return n;
}

static void
add_kid(struct ynode *parent, struct ynode *kid)
{
	if (parent->n == parent->cap) {
		parent->cap = parent->cap ? parent->cap * 2 : 4;
		parent->kids = repo_xrealloc(parent->kids, parent->cap,
					     sizeof(*parent->kids));
	}
	parent->kids[parent->n++] = kid;
}

static uint64_t
name_hash(const char *s)
{
	return og_hash64(s, strlen(s), 0);
}

static bool
name_eq(const void *a, const void *b)
{
	return strcmp(a, b) == 0;
}

static void
remember_anchor(struct builder *b, const yaml_char_t *name, struct ynode *n)
{
	struct og_htab_slot *slot;
	bool is_new;

	if (!name)
		return;
	slot = og_htab_claim(&b->index, name_hash((const char *)name), name_eq,
			     name, &is_new);
	if (!slot)
		abort();
	if (!is_new) {
		b->anchors[slot->val].node = n;
		return;
	}
	if (b->n_anchors == b->cap_anchors) {
		b->cap_anchors = b->cap_anchors ? b->cap_anchors * 2 : 8;
		b->anchors = repo_xrealloc(b->anchors, b->cap_anchors,
					   sizeof(*b->anchors));
	}
	b->anchors[b->n_anchors].name = repo_xstrdup((const char *)name);
	b->anchors[b->n_anchors].node = n;
	slot->key = b->anchors[b->n_anchors].name;	/* outlives @name */
	slot->val = b->n_anchors++;
}

static struct ynode *
find_anchor(struct builder *b, const yaml_char_t *name)
{
	const struct og_htab_slot *slot =
		og_htab_get(&b->index, name_hash((const char *)name), name_eq, name);

	return slot ? b->anchors[slot->val].node : NULL;
}

/* Attach a finished node to the open collection, or make it a document. */
static void
place(struct builder *b, struct ynode *n)
{
	if (b->depth)
		add_kid(b->stack[b->depth - 1], n);
	else {
		b->t->docs = repo_xrealloc(b->t->docs, b->t->n_docs + 1,
					   sizeof(*b->t->docs));
		b->t->docs[b->t->n_docs++] = n;
	}
}

static int
fail(char *err, size_t size, unsigned line, unsigned col, const char *what)
{
	snprintf(err, size, "line %u column %u: %s", line, col, what);
	return -EINVAL;
}

int
ytree_parse(const char *buf, size_t len, struct ytree *ret_tree, char *err,
	    size_t err_size)
{
	struct ytree t = { 0 };
	struct builder b = { .t = &t };
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false;
	int rc = 0;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done) {
		struct ynode *n = NULL;

		if (!yaml_parser_parse(&parser, &ev)) {
			rc = fail(err, err_size,
				  (unsigned)parser.problem_mark.line + 1,
				  (unsigned)parser.problem_mark.column + 1,
				  parser.problem ? parser.problem : "syntax error");
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_SCALAR_EVENT:
			n = new_node(&b, YN_SCALAR, &ev.start_mark);
			if (!n)
				break;
			n->value = repo_xrealloc(NULL, ev.data.scalar.length + 1, 1);
			memcpy(n->value, ev.data.scalar.value, ev.data.scalar.length);
			n->value[ev.data.scalar.length] = '\0';
			n->literal = ev.data.scalar.style == YAML_LITERAL_SCALAR_STYLE;
			n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			remember_anchor(&b, ev.data.scalar.anchor, n);
			place(&b, n);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (b.depth == YTREE_MAX_DEPTH) {
				rc = fail(err, err_size,
					  (unsigned)ev.start_mark.line + 1,
					  (unsigned)ev.start_mark.column + 1,
					  "nested too deeply");
				break;
			}
			n = new_node(&b, ev.type == YAML_SEQUENCE_START_EVENT
					 ? YN_SEQ : YN_MAP, &ev.start_mark);
			if (!n)
				break;
			remember_anchor(&b, ev.type == YAML_SEQUENCE_START_EVENT
					? ev.data.sequence_start.anchor
					: ev.data.mapping_start.anchor, n);
			place(&b, n);
			b.stack[b.depth++] = n;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (b.depth)
				b.depth--;
			break;
		case YAML_ALIAS_EVENT:
			n = find_anchor(&b, ev.data.alias.anchor);
			if (!n) {
				rc = fail(err, err_size,
					  (unsigned)ev.start_mark.line + 1,
					  (unsigned)ev.start_mark.column + 1,
					  "alias to an unknown anchor");
				break;
			}
			place(&b, n);
			break;
		default:
			break;
		}
		if (!rc && !n && (ev.type == YAML_SCALAR_EVENT ||
				  ev.type == YAML_SEQUENCE_START_EVENT ||
				  ev.type == YAML_MAPPING_START_EVENT))
			rc = fail(err, err_size, (unsigned)ev.start_mark.line + 1,
				  (unsigned)ev.start_mark.column + 1,
				  "too many nodes");
		yaml_event_delete(&ev);
		if (rc)
			break;
	}
	yaml_parser_delete(&parser);
	for (size_t i = 0; i < b.n_anchors; i++)
		free(b.anchors[i].name);
	free(b.anchors);
	og_htab_clear(&b.index);
	if (rc) {
		ytree_free(&t);
		return rc;
	}
	*ret_tree = t;
	return 0;
}

void
ytree_free(struct ytree *t)
{
	for (size_t i = 0; i < t->n_all; i++) {
		free(t->all[i]->value);
		free(t->all[i]->kids);
		free(t->all[i]);
	}
	free(t->all);
	free(t->docs);
	memset(t, 0, sizeof(*t));
}

size_t
ytree_len(const struct ynode *n)
{
	if (!n || n->type == YN_SCALAR)
		return 0;
	return n->type == YN_MAP ? n->n / 2 : n->n;
}

const struct ynode *
ytree_key_at(const struct ynode *map, size_t i)
{
	return map && map->type == YN_MAP && 2 * i + 1 < map->n
		? map->kids[2 * i] : NULL;
}

const struct ynode *
ytree_val_at(const struct ynode *map, size_t i)
{
	return map && map->type == YN_MAP && 2 * i + 1 < map->n
		? map->kids[2 * i + 1] : NULL;
}

const struct ynode *
ytree_item(const struct ynode *seq, size_t i)
{
	return seq && seq->type == YN_SEQ && i < seq->n ? seq->kids[i] : NULL;
}

const char *
ytree_str(const struct ynode *n)
{
	return n && n->type == YN_SCALAR ? n->value : NULL;
}

/* Depth-limited so that `<<: *self` cycles cannot recurse forever. */
static const struct ynode *
get_pair(const struct ynode *map, const char *key, bool want_key,
	 unsigned depth)
{
	if (!map || map->type != YN_MAP || depth > 8)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const char *k = ytree_str(map->kids[i]);

		if (k && !strcmp(k, key))
			return want_key ? map->kids[i] : map->kids[i + 1];
	}
	/* merge keys: explicit keys win over merged ones */
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const char *k = ytree_str(map->kids[i]);
		const struct ynode *v = map->kids[i + 1], *hit;

		if (!k || strcmp(k, "<<") || !map->kids[i]->plain)
			continue;
		if (v->type == YN_MAP) {
			hit = get_pair(v, key, want_key, depth + 1);
			if (hit)
				return hit;
		} else if (v->type == YN_SEQ) {
			for (size_t j = 0; j < v->n; j++) {
				hit = get_pair(v->kids[j], key, want_key,
					       depth + 1);
				if (hit)
					return hit;
			}
		}
	}
	return NULL;
}

const struct ynode *
ytree_get(const struct ynode *map, const char *key)
{
	return get_pair(map, key, false, 0);
}

const struct ynode *
ytree_get_key(const struct ynode *map, const char *key)
{
	return get_pair(map, key, true, 0);
}

static void
walk(const struct ynode *n, ytree_visit_fn fn, void *data, size_t *budget,
     unsigned depth)
{
	if (!n || !*budget || depth > YTREE_MAX_DEPTH)
		return;
	(*budget)--;
	if (n->type == YN_SCALAR) {
		fn(n, data);
		return;
	}
	for (size_t i = 0; i < n->n; i++)
		walk(n->kids[i], fn, data, budget, depth + 1);
}

void
ytree_walk(const struct ynode *n, ytree_visit_fn fn, void *data,
	   size_t *budget)
{
	walk(n, fn, data, budget, 0);
}
