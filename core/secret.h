/*
 * Secrets (tokens, passwords) come from the environment or from files
 * named in config — never from argv — and never appear in output or logs.
 */
#ifndef OG_SECRET_H
#define OG_SECRET_H

#include <cjson/cJSON.h>

#include <opsgrade/plugin.h>

struct og_credset;

/*
 * The host's own secrets ("smtp.user": env OPSGRADE_SMTP_USER or
 * mail.user; "smtp.password": env OPSGRADE_SMTP_PASSWORD or file
 * mail.password_file).  Returns a new string (caller wipes with
 * og_secret_free), or NULL when none is configured.  A file must not be
 * readable by group/others.
 */
char *og_secret_get(const cJSON *config, const char *name);
void og_secret_free(char *s);	/* zeroes, then frees; NULL-safe */

/* The value of plugin credential @c (include/opsgrade/plugin.h: its
 * variables, its file option, else the registered sources its flags ask
 * for, with @hostport — any entry when @hostport is NULL).  As
 * og_secret_get. */
char *og_secret_credential(const struct og_credset *s,
			   const struct og_credential *c, const char *hostport);

/* A source of credentials kept in another tool's file format: the
 * value ("user:password" or a token; owned, wiped with og_secret_free)
 * for "host:port" @hostport, or for any entry when @hostport is NULL (to
 * say whether there is one), or NULL. */
typedef char *(*og_cred_source_fn)(const char *hostport);
/* Consult @fn, named @name (shown in audits), for
 * credentials whose og_credential.flags include @flag (OG_CRED_*),
 * after their variables and file.  The composition root registers the
 * sources it offers before any plugin process starts. */
void og_secret_register_source(unsigned flag, const char *name,
			       og_cred_source_fn fn);
/* Add to @o, per registered source, "NAME": whether @flags ask for it. */
void og_secret_describe_sources(cJSON *o, unsigned flags);

/* In a plugin process: move every secret variable (og_box_env_is_secret)
 * out of the environment into memory only og_secret_get reads, and wipe
 * the original bytes. */
void og_secret_hide_env(void);

/* Wipe what og_secret_hide_env() kept: in a process that will run
 * plugin code and must resolve no secret. */
void og_secret_forget(void);

/* Treat environment variable @name as a secret from now on (a plugin
 * declared it as a credential): og_secret_hide_env hides it too.  Call
 * before the plugin processes start. */
void og_secret_protect_env(const char *name);
/* The same for each of "A:B" (og_credential.env); NULL-safe. */
void og_secret_protect_env_list(const char *list);

#endif
