/*
 * Credentials from the Docker CLI's config.json (docker-auth.c).
 */
#ifndef OG_DOCKER_AUTH_H
#define OG_DOCKER_AUTH_H

/* "user:password" for registry "host:port" @hostport (Docker's own
 * spellings too: the bare name on :443, Docker Hub's legacy index URL),
 * or the first entry when @hostport is NULL; NULL when none.  Owned
 * (og_secret_free).  An og_cred_source_fn. */
char *og_docker_config_credential(const char *hostport);

#endif
