/*
 * A small read-only YAML tree over libyaml's event parser, with the line
 * of every node.  Aliases point at the anchored node (shared, not copied,
 * so an alias bomb costs nothing to build); merge keys (`<<`) are honoured
 * by ytree_get().  Walkers must bound their own work (see ytree_walk).
 */
#ifndef OG_REPO_YTREE_H
#define OG_REPO_YTREE_H

#include <stdbool.h>
#include <stddef.h>

enum ynode_type { YN_SCALAR, YN_SEQ, YN_MAP };

struct ynode {
	enum ynode_type type;
	unsigned line;		/* 1-based line of the node's start */
	bool literal;		/* block scalar `|`: content starts line+1 */
	bool plain;		/* plain (unquoted) scalar */
	char *value;		/* scalars: NUL-terminated */
	struct ynode **kids;	/* seq: items; map: key, value, key, value… */
	size_t n;		/* number of kids */
	size_t cap;
};

struct ytree {
	struct ynode **docs;
	size_t n_docs;
	/* every node allocated, for freeing (aliases are not in it twice) */
	struct ynode **all;
	size_t n_all, cap_all;
};

/* Parse @len bytes.  On a syntax error returns -EINVAL and writes
 * "line L column C: problem" into @err. */
int ytree_parse(const char *buf, size_t len, struct ytree *ret_tree,
		char *err, size_t err_size);
void ytree_free(struct ytree *t);

/* Map lookup (honours `<<` merge keys); NULL when absent or not a map. */
const struct ynode *ytree_get(const struct ynode *map, const char *key);
/* The key node of @key, for its line; NULL when absent. */
const struct ynode *ytree_get_key(const struct ynode *map, const char *key);
/* Scalar value or NULL. */
const char *ytree_str(const struct ynode *n);
/* Number of key/value pairs (maps) or items (seqs). */
size_t ytree_len(const struct ynode *n);
const struct ynode *ytree_key_at(const struct ynode *map, size_t i);
const struct ynode *ytree_val_at(const struct ynode *map, size_t i);
const struct ynode *ytree_item(const struct ynode *seq, size_t i);

/* Visit every scalar under @n (depth first), at most @budget visits in
 * total: aliases can make a small file a huge DAG. */
typedef void (*ytree_visit_fn)(const struct ynode *scalar, void *data);
void ytree_walk(const struct ynode *n, ytree_visit_fn fn, void *data,
		size_t *budget);

#endif /* OG_REPO_YTREE_H */
