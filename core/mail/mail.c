/*
 * Email delivery with libcurl's SMTP and MIME API (curl 7.88):
 *
 *   multipart/mixed
 *     multipart/alternative
 *       text/plain            summary rendered by the caller (reports/)
 *       multipart/related     (text/html alone when there is no image)
 *         text/html           same summary, <img src="cid:...">
 *         image/…             the caller's image, inline
 *     application/…           the caller's attachment, base64
 *
 * Which files those are (a renderer's output) the caller says
 * (struct og_mail_files): the transport names no renderer.
 *
 * libcurl adds MIME-Version and the multipart Content-Types; it does not
 * add Date or Message-ID, so we do.  Binary parts must be base64: a document
 * sent 8bit has lines longer than SMTP allows (reports.md §4).  STARTTLS
 * is required for smtp:// unless mail.smtp_tls is "none".
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <cjson/cJSON.h>

#include "history/history.h"
#include "jsonget.h"
#include "mail/mail.h"
#include "secret.h"
#include "util.h"

#define RCPT_MAX		100
#define ADDR_MAX		320
#define SUBJECT_MAX		200	/* bytes of UTF-8 before encoding */
#define TIMEOUT_DEFAULT		120
#define CONNECT_TIMEOUT_MAX	30

/* ---- small helpers ---- */

/* "YYYY-MM-DD" of an RFC 3339 string, or of the clock. */
static void
report_date(const cJSON *report, char *buf, size_t size)
{
	const char *gen = og_jstr(og_jget(report, "generated_at"));
	int64_t t;

	if (!gen || og_parse_time(gen, &t) < 0)
		t = og_now();
	og_format_time(t, buf, size);
	if (strlen(buf) >= 10)
		buf[10] = '\0';
}

/* Visible ASCII and spaces only: nothing that could break a header. */
static bool
header_safe(const char *s, bool allow_space)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e) {
			if (!(allow_space && *s == ' '))
				return false;
		}
	return true;
}

static bool
utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 :
			     (c & 0xf8) == 0xf0 ? 4 : 0;

		if (len == 0 || i + len > n || (len == 2 && c < 0xc2))
			return false;
		for (size_t k = 1; k < len; k++)
			if (((unsigned char)s[i + k] & 0xc0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

/* A display name may be any UTF-8 text without control characters
 * ("Jürgen Müller"); it goes out RFC 2047-encoded (display_header). */
static bool
display_name_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return false;
	return utf8_valid(s, n);
}

/* The addr-spec of "addr" or "Name <addr>", validated; caller frees.  The
 * address itself is printable ASCII (no SMTPUTF8). */
static char *
addr_spec(const char *s)
{
	const char *lt = strchr(s, '<'), *gt;
	char *a;

	if (strlen(s) > ADDR_MAX)
		return NULL;
	if (!header_safe(s, true) &&
	    !(lt && display_name_ok(s, (size_t)(lt - s)) && header_safe(lt, true)))
		return NULL;
	if (lt) {
		gt = strchr(lt, '>');
		if (!gt || gt[1] != '\0')
			return NULL;
		a = og_asprintf("%.*s", (int)(gt - lt - 1), lt + 1);
	} else {
		a = og_strdup0(s);
	}
	if (!strchr(a, '@') || strchr(a, ' ') || strchr(a, '<') ||
	    strchr(a, '>') || strchr(a, ',') || a[0] == '@') {
		free(a);
		return NULL;
	}
	return a;
}

/* mail.to as a string or array of strings. */
static size_t
recipients(const cJSON *config, const char **v, size_t max)
{
	const cJSON *to = og_jget2(config, "mail", "to"), *it;
	size_t n = 0;

	if (og_jstr(to)) {
		v[n++] = to->valuestring;
		return n;
	}
	cJSON_ArrayForEach(it, to) {
		if (!og_jstr(it))
			continue;
		if (n == max)
			break;
		v[n++] = it->valuestring;
	}
	return n;
}

/*
 * RFC 2047: ASCII text unchanged; otherwise "=?UTF-8?B?...?=" words of at
 * most 45 input bytes (75 chars encoded), split between UTF-8 sequences,
 * separated by a space (decoders drop it between encoded words).
 */
static char *
rfc2047(const char *s)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789+/";
	size_t len = strlen(s), cap, o = 0;
	char *out;

	if (header_safe(s, true))
		return og_strdup0(s);
	cap = len * 2 + (len / 45 + 1) * 14 + 16;
	out = og_xmalloc(cap);
	for (size_t i = 0; i < len;) {
		size_t n = len - i > 45 ? 45 : len - i;

		/* Back off to a UTF-8 sequence start. */
		while (n > 1 && i + n < len &&
		       ((unsigned char)s[i + n] & 0xc0) == 0x80)
			n--;
		if (o)
			out[o++] = ' ';
		memcpy(out + o, "=?UTF-8?B?", 10);
		o += 10;
		for (size_t k = 0; k < n; k += 3) {
			unsigned v = (unsigned char)s[i + k] << 16;
			size_t m = n - k;

			if (m > 1)
				v |= (unsigned char)s[i + k + 1] << 8;
			if (m > 2)
				v |= (unsigned char)s[i + k + 2];
			out[o++] = b64[(v >> 18) & 63];
			out[o++] = b64[(v >> 12) & 63];
			out[o++] = m > 1 ? b64[(v >> 6) & 63] : '=';
			out[o++] = m > 2 ? b64[v & 63] : '=';
		}
		memcpy(out + o, "?=", 2);
		o += 2;
		i += n;
	}
	out[o] = '\0';
	return out;
}

/* Subject text (UTF-8): config, else "opsgrade: S — Level N (DATE)". */
/*
 * The week's verdict in a few words, so the subject differs when the news
 * does: "Level 3 · 1 gate failed · 5 new, 2 fixed".
 */
/* "Name <addr>" for a From/To header: a non-ASCII display name as RFC 2047
 * encoded words (surrounding quotes dropped), the address as it is. */
static char *
mailbox_header(const char *s)
{
	const char *lt = strchr(s, '<');
	size_t b, e;
	char *name, *enc, *out;

	if (!lt || header_safe(s, true))
		return og_strdup0(s);
	for (b = 0; s + b < lt && (s[b] == ' ' || s[b] == '"'); b++)
		;
	for (e = (size_t)(lt - s); e > b && (s[e - 1] == ' ' || s[e - 1] == '"'); e--)
		;
	name = og_asprintf("%.*s", (int)(e - b), s + b);
	enc = rfc2047(name);
	out = og_asprintf("%s %s", enc, lt);
	free(name);
	free(enc);
	return out;
}

static char *
verdict_text(const cJSON *report)
{
	const cJSON *lv = og_jget2(report, "assessment", "level"), *g;
	const cJSON *d = og_jget2(report, "history", "delta");
	const cJSON *nn = og_jget(d, "findings_new_count");
	const cJSON *nf = og_jget(d, "findings_fixed_count");
	int failed = 0, total = 0;
	char *s, *t;

	cJSON_ArrayForEach(g, og_jget(report, "gates")) {
		total++;
		failed += !strcmp(og_jstr_or(og_jget(g, "status"), ""), "fail");
	}
	s = cJSON_IsNumber(lv) ? og_asprintf("Level %d", (int)lv->valuedouble)
			       : og_strdup0("not assessed");
	if (total) {
		t = failed ? og_asprintf("%s \u00b7 %d gate%s failed", s, failed, failed == 1 ? "" : "s")
			   : og_asprintf("%s \u00b7 gates passed", s);
		free(s);
		s = t;
	}
	if (cJSON_IsFalse(og_jget2(report, "run", "complete"))) {
		t = og_asprintf("%s \u00b7 incomplete run", s);
		free(s);
		s = t;
	}
	if (cJSON_IsNumber(nn) && cJSON_IsNumber(nf)) {
		t = og_asprintf("%s \u00b7 %d new, %d fixed", s, (int)nn->valuedouble,
				(int)nf->valuedouble);
		free(s);
		s = t;
	}
	return s;
}

static char *
subject_text(const cJSON *report, const cJSON *config)
{
	const char *custom = og_jstr(og_jget2(config, "mail", "subject"));
	const char *subj = og_jstr_or(og_jget(report, "subject"), "unnamed");
	const char *tpl = custom ? custom : "opsgrade: {subject} \u2014 {verdict} ({date})";
	char date[32], *s, *verdict = verdict_text(report), *level;
	const cJSON *lv = og_jget2(report, "assessment", "level");
	size_t n;

	report_date(report, date, sizeof(date));
	level = cJSON_IsNumber(lv) ? og_asprintf("%d", (int)lv->valuedouble)
				   : og_strdup0("not assessed");
	/* --mail-subject placeholders: {subject} {level} {verdict} {date} */
	s = og_strdup0("");
	for (const char *p = tpl; *p;) {
		static const char *const names[] = { "{subject}", "{level}", "{verdict}", "{date}" };
		const char *vals[] = { subj, level, verdict, date };
		size_t k;
		char *t;

		for (k = 0; k < 4; k++)
			if (!strncmp(p, names[k], strlen(names[k])))
				break;
		if (k < 4) {
			t = og_asprintf("%s%s", s, vals[k]);
			p += strlen(names[k]);
		} else {
			t = og_asprintf("%s%c", s, *p);
			p++;
		}
		free(s);
		s = t;
	}
	free(verdict);
	free(level);
	/* Control characters (a CR/LF in a subject name) become spaces. */
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	n = strlen(s);
	if (n > SUBJECT_MAX) {
		n = SUBJECT_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		s[n] = '\0';
	}
	return s;
}

static void
date_header(char *buf, size_t size)
{
	static const char *const wd[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
	};
	static const char *const mon[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
	};
	time_t t = (time_t)og_now();
	struct tm tm;

	/* By hand, not strftime: the names must not follow the locale. */
	gmtime_r(&t, &tm);
	snprintf(buf, size, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000",
		 wd[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static char *
message_id(const char *from_addr)
{
	const char *dom = strrchr(from_addr, '@');
	unsigned long long rnd = 0;

	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
		rnd ^= (unsigned long long)getpid() << 32 ^
		       (unsigned long long)time(NULL);
	return og_asprintf("Message-ID: <opsgrade.%lld.%016llx@%s>",
			   (long long)og_now(), rnd,
			   dom && dom[1] ? dom + 1 : "opsgrade.invalid");
}

/* ---- wanted? ---- */

static bool
report_failed(const cJSON *report)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, og_jget(report, "gates"))
		if (!strcmp(og_jstr_or(og_jget(it, "status"), ""), "fail"))
			return true;
	cJSON_ArrayForEach(it, og_jget(report, "collectors"))
		if (!strcmp(og_jstr_or(og_jget(it, "status"), ""), "failed"))
			return true;
	return false;
}

bool
og_mail_wanted(const cJSON *report, const cJSON *config)
{
	const char *to[1];
	const char *on = og_jstr_or(og_jget2(config, "mail", "on"), "always");
	const cJSON *h = og_jget(report, "history");
	/* compared with the last report that was mailed, not the last run */
	const cJSON *d = og_jget2(h, "since_mailed", "delta");
	const cJSON *from = og_jget2(d, "level", "from");
	const cJSON *now = og_jget2(d, "level", "to");

	if (recipients(config, to, 1) == 0)
		return false;
	if (!strcmp(on, "failure"))
		return report_failed(report);
	if (strcmp(on, "change"))
		return true;	/* "always" (config.c rejects others) */
	/* change: no earlier mailed snapshot counts as a change (the first
	 * report, or the first mail since a failed or skipped one).
	 * Only like-for-like changes count: a level or gate that moved
	 * because a collector failed or was dropped is not news of the
	 * team's (the delta's critical/high set is like for like). */
	if (!cJSON_IsObject(d))
		return true;
	if (!cJSON_IsFalse(og_jget2(d, "level", "compared")) &&
	    (cJSON_IsNumber(from) != cJSON_IsNumber(now) ||
	     (cJSON_IsNumber(from) &&
	      (int)from->valuedouble != (int)now->valuedouble)))
		return true;
	if (!cJSON_IsFalse(og_jget(d, "like_for_like")) &&
	    cJSON_GetArraySize(og_jget(d, "gates_changed")) > 0)
		return true;
	return !cJSON_IsFalse(og_jget(d, "critical_high_changed"));
}

/* ---- sending ---- */

static bool
regular_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A clear sentence for the usual failures (the caller exits 4). */
static const char *
explain(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		return "cannot resolve the SMTP host";
	case CURLE_COULDNT_CONNECT:
		return "cannot connect to the SMTP server (refused or "
		       "unreachable)";
	case CURLE_OPERATION_TIMEDOUT:
		return "timed out (mail.timeout)";
	case CURLE_USE_SSL_FAILED:
		return "the server does not offer STARTTLS, which is "
		       "required; use smtps://, or --smtp-tls none for a "
		       "plain relay on localhost";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		return "TLS handshake or certificate verification failed";
	case CURLE_LOGIN_DENIED:
	case CURLE_AUTH_ERROR:
		return "the server rejected the login (check "
		       "OPSGRADE_SMTP_USER / OPSGRADE_SMTP_PASSWORD or "
		       "mail.password_file)";
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_PARTIAL_FILE:
		return "the server closed the connection or rejected the "
		       "message";
	default:
		return "sending failed";
	}
}

/* @shown is parse_url's "scheme://host:port". */
static bool
loopback_url(const char *shown)
{
	const char *h = strstr(shown, "://");
	size_t n;

	if (!h)
		return false;
	h += 3;
	if (strncmp(h, "[::1]", 5) == 0)
		return true;
	n = strcspn(h, ":/");
	return (n == 9 && strncmp(h, "localhost", 9) == 0) || strncmp(h, "127.", 4) == 0;
}

/* scheme://host[:port] of @url, refusing credentials in it. */
static int
parse_url(const char *url, char **ret_shown, bool *ret_smtps, char **ret_err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL;
	int r = -EINVAL;

	if (!u)
		abort();
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		*ret_err = og_strdup0("mail: mail.smtp_url is not a valid URL "
				      "(smtp://host:587 or smtps://host:465)");
		goto out;
	}
	if (strcmp(scheme, "smtp") && strcmp(scheme, "smtps")) {
		*ret_err = og_asprintf("mail: mail.smtp_url: scheme \"%s\" is "
				       "not smtp or smtps", scheme);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		*ret_err = og_strdup0("mail: mail.smtp_url must not contain "
				      "credentials; use OPSGRADE_SMTP_USER / "
				      "OPSGRADE_SMTP_PASSWORD or "
				      "mail.password_file");
		goto out;
	}
	curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
	*ret_shown = og_asprintf("%s://%s%s%s", scheme, host, port ? ":" : "",
				 port ? port : "");
	*ret_smtps = !strcmp(scheme, "smtps");
	r = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_url_cleanup(u);
	return r;
}

static curl_mimepart *
add_text(curl_mime *m, const char *text, const char *type)
{
	curl_mimepart *p = curl_mime_addpart(m);

	curl_mime_data(p, text, CURL_ZERO_TERMINATED);
	curl_mime_type(p, type);
	/* 7-bit safe, and no line can exceed SMTP's 998 limit. */
	curl_mime_encoder(p, "quoted-printable");
	return p;
}

static const char *
base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

static curl_mime *
build_mime(CURL *curl, const char *text, const char *html,
	   const struct og_mail_files *files, const char *cid,
	   struct curl_slist **ret_imgh)
{
	curl_mime *mime = curl_mime_init(curl);
	curl_mime *alt = curl_mime_init(curl);
	curl_mimepart *p;

	add_text(alt, text, "text/plain; charset=utf-8");
	if (cid) {
		curl_mime *rel = curl_mime_init(curl);
		struct curl_slist *h = NULL;
		char *line;

		add_text(rel, html, "text/html; charset=utf-8");
		p = curl_mime_addpart(rel);
		curl_mime_filedata(p, files->image);
		curl_mime_filename(p, base_name(files->image));
		curl_mime_type(p, files->image_type);
		curl_mime_encoder(p, "base64");
		line = og_asprintf("Content-ID: <%s>", cid);
		h = curl_slist_append(h, line);
		free(line);
		line = og_asprintf("Content-Disposition: inline; filename=\"%s\"",
				   base_name(files->image));
		h = curl_slist_append(h, line);
		free(line);
		/* Owned by us (take_ownership 0): freed after the send. */
		curl_mime_headers(p, h, 0);
		*ret_imgh = h;
		p = curl_mime_addpart(alt);
		curl_mime_subparts(p, rel);
		curl_mime_type(p, "multipart/related");
	} else {
		add_text(alt, html, "text/html; charset=utf-8");
	}
	p = curl_mime_addpart(mime);
	curl_mime_subparts(p, alt);
	curl_mime_type(p, "multipart/alternative");
	if (files->attachment) {
		p = curl_mime_addpart(mime);
		curl_mime_filedata(p, files->attachment);
		curl_mime_filename(p, files->attachment_name);
		curl_mime_type(p, files->attachment_type);
		curl_mime_encoder(p, "base64");
	}
	return mime;
}

char *
og_mail_attachment_name(const cJSON *report, const char *ext)
{
	char date[64], *slug, *name;

	slug = og_history_slug(og_jstr_or(og_jget(report, "subject"), "unnamed"));
	report_date(report, date, sizeof(date));
	name = og_asprintf("opsgrade-%s-%s.%s", slug, date, ext);
	free(slug);
	return name;
}

static long
timeout_seconds(const cJSON *config)
{
	double t = TIMEOUT_DEFAULT;

	if (!og_jnum(og_jget2(config, "mail", "timeout"), &t) || t <= 0)
		t = TIMEOUT_DEFAULT;
	if (t > 3600)
		t = 3600;
	return (long)ceil(t);
}

int
og_mail_check(const cJSON *config, char **ret_err)
{
	static const char *const ons[] = { "always", "change", "failure" };
	const char *to[RCPT_MAX];
	const cJSON *onj = og_jget2(config, "mail", "on");
	const char *from = og_jstr(og_jget2(config, "mail", "from"));
	const char *url = og_jstr(og_jget2(config, "mail", "smtp_url"));
	const char *tls = og_jstr_or(og_jget2(config, "mail", "smtp_tls"), "required");
	char *a, *shown = NULL, *user, *pass;
	size_t n_to = recipients(config, to, RCPT_MAX);
	bool smtps, known = false;
	int r;

	if (onj) {
		for (size_t i = 0; i < 3; i++)
			known |= og_jstr(onj) && !strcmp(onj->valuestring, ons[i]);
		if (!known) {
			*ret_err = og_asprintf("mail: mail.on (--mail-on) is \"%s\", expected "
					       "always, change or failure",
					       og_jstr(onj) && header_safe(onj->valuestring, true)
					       ? onj->valuestring : "?");
			return -EINVAL;
		}
	}
	if (n_to == 0)
		return 0;	/* no mail wanted: nothing else matters */
	for (size_t i = 0; i < n_to; i++) {
		if (!(a = addr_spec(to[i]))) {
			*ret_err = og_asprintf("mail: recipient %zu (\"%s\") is not a valid "
					       "address", i + 1, header_safe(to[i], true) ? to[i]
					       : "(control or non-ASCII characters in the address)");
			return -EINVAL;
		}
		free(a);
	}
	if (!from || !(a = addr_spec(from))) {
		*ret_err = og_asprintf("mail: %s (mail.from / --mail-from)",
				       from ? "the sender address is not valid" :
					      "no sender address");
		return -EINVAL;
	}
	free(a);
	if (!url) {
		*ret_err = og_strdup0("mail: no SMTP server (mail.smtp_url / --smtp-url)");
		return -EINVAL;
	}
	if (strcmp(tls, "required") && strcmp(tls, "none")) {
		*ret_err = og_asprintf("mail: mail.smtp_tls is \"%s\", expected "
				       "\"required\" or \"none\"",
				       header_safe(tls, true) ? tls : "?");
		return -EINVAL;
	}
	if ((r = parse_url(url, &shown, &smtps, ret_err)) < 0)
		return r;
	free(shown);
	/* A password with no user would silently send unauthenticated. */
	user = og_secret_get(config, "smtp.user");
	pass = og_secret_get(config, "smtp.password");
	r = pass && !user ? -EINVAL : 0;
	if (r < 0)
		*ret_err = og_strdup0("mail: an SMTP password is set (OPSGRADE_SMTP_PASSWORD "
				      "or mail.password_file) but no user "
				      "(OPSGRADE_SMTP_USER or mail.user)");
	og_secret_free(user);
	og_secret_free(pass);
	return r;
}

/*
 * Which recipients the server accepted and which it refused, with its
 * words: read from the SMTP dialogue (libcurl sends one RCPT TO at a time
 * and waits for its reply).  Only RCPT lines and their replies are looked
 * at; nothing of the dialogue (AUTH!) is kept or logged.
 */
struct rcpt_log {
	char cur[ADDR_MAX + 1];
	bool waiting;
	char *accepted, *refused;
	size_t n_ok, n_bad;
};

static void
append_list(char **list, const char *item)
{
	char *t = og_asprintf("%s%s%s", *list ? *list : "", *list ? ", " : "", item);

	free(*list);
	*list = t;
}

static int
rcpt_watch(CURL *curl, curl_infotype type, char *data, size_t size, void *userp)
{
	struct rcpt_log *l = userp;
	size_t n = strcspn(data, "\r\n");

	(void)curl;
	if (n > size)
		n = size;
	if (type == CURLINFO_HEADER_OUT && n > 8 && strncasecmp(data, "RCPT TO:", 8) == 0) {
		const char *a = memchr(data, '<', n), *b = a ? memchr(a, '>', n - (size_t)(a - data)) : NULL;

		if (a && b && (size_t)(b - a - 1) <= ADDR_MAX) {
			snprintf(l->cur, sizeof(l->cur), "%.*s", (int)(b - a - 1), a + 1);
			l->waiting = true;
		}
	} else if (type == CURLINFO_HEADER_IN && l->waiting && n >= 4 &&
		   data[3] != '-') {	/* the last line of a multi-line reply */
		if (data[0] == '2') {
			append_list(&l->accepted, l->cur);
			l->n_ok++;
		} else {
			char *t = og_asprintf("%s (%.*s)", l->cur, (int)(n > 200 ? 200 : n), data);

			for (char *c = t; *c; c++)
				if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7f)
					*c = ' ';
			append_list(&l->refused, t);
			free(t);
			l->n_bad++;
		}
		l->waiting = false;
	}
	return 0;
}

int
og_mail_send(const struct og_report *rep, const cJSON *config,
	     const struct og_mail_files *files, og_mail_render_fn render,
	     char **ret_err)
{
	const cJSON *report = rep->doc;
	const char *to[RCPT_MAX];
	const char *from = og_jstr(og_jget2(config, "mail", "from"));
	const char *url = og_jstr(og_jget2(config, "mail", "smtp_url"));
	const char *tls = og_jstr_or(og_jget2(config, "mail", "smtp_tls"),
				 "required");
	const char *cainfo = og_jstr(og_jget2(config, "mail", "cainfo"));
	struct curl_slist *rcpt = NULL, *hdr = NULL, *imgh = NULL;
	char *shown = NULL, *from_addr = NULL, *subj = NULL, *enc = NULL, *enc2 = NULL;
	char *line = NULL, *text = NULL, *html = NULL, *err = NULL;
	char *cid = NULL;
	struct og_mail_files f = *files;
	char *user = NULL, *pass = NULL, *to_line = NULL;
	char errbuf[CURL_ERROR_SIZE] = "", date[64];
	curl_mime *mime = NULL;
	CURL *curl = NULL;
	struct rcpt_log rl = { 0 };
	bool smtps = false, plain;
	size_t n_to;
	long timeout, code = 0;
	CURLcode rc;
	int r = -EINVAL;

	n_to = recipients(config, to, RCPT_MAX);
	if (n_to == 0) {
		err = og_strdup0("mail: no recipients (mail.to / --mail-to)");
		goto out;
	}
	if ((r = og_mail_check(config, &err)) < 0)
		goto out;
	from_addr = addr_spec(from);
	r = parse_url(url, &shown, &smtps, &err);
	if (r < 0)
		goto out;
	r = -EINVAL;
	plain = !smtps && !strcmp(tls, "none");

	to_line = og_strdup0("To: ");
	for (size_t i = 0; i < n_to; i++) {
		char *a = addr_spec(to[i]), *t;

		if (!a) {
			err = og_asprintf("mail: recipient %zu (\"%s\") is not "
					  "a valid address", i + 1,
					  header_safe(to[i], true) ? to[i] :
					  "(control or non-ASCII characters in the address)");
			goto out;
		}
		t = og_asprintf("<%s>", a);
		rcpt = curl_slist_append(rcpt, t);
		free(t);
		free(a);
		a = mailbox_header(to[i]);
		t = og_asprintf("%s%s%s", to_line, i ? ", " : "", a);
		free(a);
		free(to_line);
		to_line = t;
	}

	if (f.image && !regular_file(f.image))
		f.image = NULL;
	if (f.attachment && !regular_file(f.attachment)) {
		og_log_warn("mail: %s not found; sending the summary without it",
			    f.attachment);
		f.attachment = NULL;
	}
	if (f.image)
		cid = og_asprintf("%s@opsgrade", base_name(f.image));
	text = render(rep, false, NULL, f.attachment ? f.attachment_name : NULL);
	html = render(rep, true, cid, f.attachment ? f.attachment_name : NULL);
	if (!text || !html) {
		r = -ENOMEM;
		err = og_strdup0("mail: cannot render the summary");
		goto out;
	}

	subj = subject_text(report, config);
	enc = rfc2047(subj);
	line = og_asprintf("Subject: %s", enc);
	hdr = curl_slist_append(hdr, line);
	free(line);
	date_header(date, sizeof(date));
	hdr = curl_slist_append(hdr, date);
	enc2 = mailbox_header(from);
	line = og_asprintf("From: %s", enc2);
	hdr = curl_slist_append(hdr, line);
	free(line);
	hdr = curl_slist_append(hdr, to_line);
	line = message_id(from_addr);
	hdr = curl_slist_append(hdr, line);
	free(line);
	line = NULL;
	/* RFC 3834: tells auto-responders not to answer. */
	hdr = curl_slist_append(hdr, "Auto-Submitted: auto-generated");
	hdr = curl_slist_append(hdr, "X-Mailer: opsgrade " OG_VERSION);

	curl = curl_easy_init();
	if (!curl) {
		r = -ENOMEM;
		err = og_strdup0("mail: cannot initialise libcurl");
		goto out;
	}
	mime = build_mime(curl, text, html, &f, cid, &imgh);
	timeout = timeout_seconds(config);
	line = og_asprintf("<%s>", from_addr);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, line);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	/* one refused recipient must not cost the others their mail */
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
	curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, rcpt_watch);
	curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &rl);
	curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(curl, CURLOPT_USE_SSL,
			 plain ? (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
			 timeout < CONNECT_TIMEOUT_MAX ? timeout :
			 CONNECT_TIMEOUT_MAX);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	if (cainfo)
		curl_easy_setopt(curl, CURLOPT_CAINFO, cainfo);
	user = og_secret_get(config, "smtp.user");
	pass = og_secret_get(config, "smtp.password");
	if (user)
		curl_easy_setopt(curl, CURLOPT_USERNAME, user);
	if (pass)
		curl_easy_setopt(curl, CURLOPT_PASSWORD, pass);
	/* A plain hop to a relay on this host never leaves the machine: an
	 * explicit "none" there is the normal set-up, and a warning every run
	 * would make cron mail every week.  Credentials in clear text are
	 * still worth a word. */
	if (plain && (user || !loopback_url(shown)))
		og_log_warn("mail: mail.smtp_tls is \"none\": sending to %s "
			    "without TLS%s", shown,
			    user ? ", credentials included" : "");

	rc = curl_easy_perform(curl);
	if (rc != CURLE_OK) {
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
		r = rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT :
		    rc == CURLE_COULDNT_CONNECT ? -ECONNREFUSED : -EIO;
		err = og_asprintf("mail: sending to %s failed: %s (curl: %s)",
				  shown, explain(rc), errbuf[0] ? errbuf :
				  curl_easy_strerror(rc));
		if (code > 0) {
			char *t = og_asprintf("%s [last SMTP reply %ld]", err,
					      code);

			free(err);
			err = t;
		}
		if (rl.refused) {
			char *t = og_asprintf("%s; refused by the server: %s", err, rl.refused);

			free(err);
			err = t;
		}
		goto out;
	}
	if (rl.n_bad) {
		/* delivered to the others; each refusal named, exit 4 */
		og_log_info("mail: delivered to %s via %s", rl.accepted ? rl.accepted : "nobody",
			    shown);
		r = -EIO;
		err = og_asprintf("mail: %zu of %zu recipient%s refused by %s: %s", rl.n_bad, n_to,
				  n_to == 1 ? "" : "s", shown, rl.refused);
		goto out;
	}
	og_log_info("mail: sent to %zu recipient%s via %s", n_to,
		    n_to == 1 ? "" : "s", shown);
	r = 0;
out:
	curl_mime_free(mime);
	curl_easy_cleanup(curl);
	curl_slist_free_all(imgh);
	curl_slist_free_all(hdr);
	curl_slist_free_all(rcpt);
	og_secret_free(user);
	og_secret_free(pass);
	free(line);
	free(to_line);
	free(shown);
	free(from_addr);
	free(subj);
	free(enc);
	free(enc2);
	free(rl.accepted);
	free(rl.refused);
	free(text);
	free(html);
	free(cid);
	if (r < 0)
		*ret_err = err;
	else
		free(err);
	return r;
}
