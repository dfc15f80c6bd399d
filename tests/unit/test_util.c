/* test_util.c - src/base/util.c: files (reading and atomic writes, both
 * refusing what is not a regular file), display widths, the list of names
 * ("a, b, ... (N more)"), reading "-" as standard input. */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "err.h"
#include "util.h"

/* ---- fixture: a scratch directory -------------------------------------- */

struct dir {
	char path[64];
};

static int setup(void **state)
{
	struct dir *d = xcalloc(1, sizeof(*d));

	snprintf(d->path, sizeof(d->path), "/tmp/cpuscope-util-test.XXXXXX");
	if (!mkdtemp(d->path))
		return -1;
	*state = d;
	return 0;
}

static void rm_rf(const char *path)
{
	struct stat st;
	DIR *dd;
	struct dirent *de;

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		chmod(path, 0700);
		dd = opendir(path);
		while (dd && (de = readdir(dd)) != NULL) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			char *p = xasprintf("%s/%s", path, de->d_name);
			rm_rf(p);
			free(p);
		}
		if (dd)
			closedir(dd);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static int teardown(void **state)
{
	struct dir *d = *state;

	rm_rf(d->path);
	free(d);
	return 0;
}

static char *in(const struct dir *d, const char *name)
{
	return xasprintf("%s/%s", d->path, name);
}

static void put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static char *get(const char *path)
{
	char *text = NULL;
	size_t len = 0;
	struct err e;

	err_clear(&e);
	if (!read_file_limited(path, 1 << 20, &text, &len, &e))
		fail_msg("%s", e.msg);
	return text;
}

/* The directory holds exactly n entries (no temporary file left). */
static void assert_entries(const struct dir *d, int n)
{
	DIR *dd = opendir(d->path);
	struct dirent *de;
	int k = 0;

	assert_non_null(dd);
	while ((de = readdir(dd)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			k++;
	closedir(dd);
	assert_int_equal(k, n);
}

static const char *msg(const struct err *e)
{
	static char buf[1600];

	return err_str(e, buf, sizeof(buf));
}

/* ---- read_file_limited ---------------------------------------------------- */

/* A FIFO without a writer would block open() forever: refused at once. */
static void test_read_refuses_non_regular(void **state)
{
	struct dir *d = *state;
	char *fifo = in(d, "fifo"), *f = in(d, "f"), *text = NULL, *want;
	size_t len = 1;
	struct err e;

	assert_int_equal(mkfifo(fifo, 0600), 0);
	err_clear(&e);
	assert_false(read_file_limited(fifo, 1024, &text, &len, &e));
	assert_null(text);
	assert_int_equal(len, 0);
	want = xasprintf("%s: not a regular file (a FIFO)", fifo);
	assert_string_equal(msg(&e), want);
	free(want);
	err_clear(&e);
	assert_int_equal(open_regular(fifo, &e), -1);
	err_clear(&e);
	assert_false(read_file_limited("/dev/null", 1024, &text, &len, &e));
	assert_string_equal(msg(&e), "/dev/null: not a regular file (a character device)");
	err_clear(&e);
	assert_false(read_file_limited(d->path, 1024, &text, &len, &e));
	want = xasprintf("%s: is a directory, not a file", d->path);
	assert_string_equal(msg(&e), want);
	free(want);
	err_clear(&e);
	assert_false(read_file_limited(f, 1024, &text, &len, &e));
	want = xasprintf("%s: cannot open: No such file or directory", f);
	assert_string_equal(msg(&e), want);
	free(want);
	/* a regular file, read in full (and not left non-blocking) */
	put(f, "hello", 0644);
	err_clear(&e);
	assert_true(read_file_limited(f, 1024, &text, &len, &e));
	assert_string_equal(text, "hello");
	assert_int_equal(len, 5);
	free(text);
	err_clear(&e);
	assert_false(read_file_limited(f, 4, &text, &len, &e));
	want = xasprintf("%s: file too large (5 bytes; the limit is 4)", f);
	assert_string_equal(msg(&e), want);
	free(want);
	free(fifo);
	free(f);
}

/* "-" is standard input, whatever it is (here a pipe). */
static void test_read_stdin(void **state)
{
	int p[2], saved = dup(0);
	char *text = NULL;
	size_t len = 0;
	struct err e;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "from a pipe", 11), 11);
	close(p[1]);
	assert_true(dup2(p[0], 0) == 0);
	close(p[0]);
	clearerr(stdin);
	err_clear(&e);
	assert_true(read_file_limited("-", 1024, &text, &len, &e));
	dup2(saved, 0);
	close(saved);
	clearerr(stdin);
	assert_string_equal(text, "from a pipe");
	free(text);
}

/* ---- write_file_atomic --------------------------------------------------- */

static void test_write_keeps_mode(void **state)
{
	struct dir *d = *state;
	char *f = in(d, "private.json");
	struct stat st;
	struct err e;
	char *text;

	put(f, "old", 0600);
	err_clear(&e);
	assert_true(write_file_atomic(f, "new", 3, &e));
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	text = get(f);
	assert_string_equal(text, "new");
	free(text);
	put(f, "old", 0640);
	assert_true(write_file_atomic(f, "newer", 5, &e));
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_entries(d, 1);
	free(f);
}

static void test_write_new_file_umask(void **state)
{
	struct dir *d = *state;
	char *f = in(d, "new.json");
	struct stat st;
	struct err e;
	mode_t old = umask(027);

	err_clear(&e);
	assert_true(write_file_atomic(f, "x", 1, &e));
	umask(old);
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	free(f);
}

static void test_write_keeps_owner(void **state)
{
	struct dir *d = *state;
	char *f = in(d, "theirs.json");
	struct stat st;
	struct err e;

	put(f, "old", 0644);
	if (geteuid() != 0) {
		/* Only root can give a file away; as anyone else, the owner is
		 * ours and stays ours. */
		print_message("note: not root, the chown part is not exercised\n");
		free(f);
		return;
	}
	assert_int_equal(chown(f, 12345, 23456), 0);
	err_clear(&e);
	assert_true(write_file_atomic(f, "new", 3, &e));
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_uid, 12345);
	assert_int_equal(st.st_gid, 23456);
	assert_int_equal(st.st_mode & 07777, 0644);
	free(f);
}

static void test_write_through_symlink(void **state)
{
	struct dir *d = *state;
	char *target = in(d, "real.json"), *link = in(d, "link.json"), *dangling = in(d, "dangling"),
	     *later = in(d, "later.json"), *text;
	struct stat st;
	struct err e;

	put(target, "old", 0600);
	assert_int_equal(symlink("real.json", link), 0); /* relative to the link's directory */
	err_clear(&e);
	assert_true(write_file_atomic(link, "new", 3, &e));
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	text = get(target);
	assert_string_equal(text, "new");
	free(text);
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* a link to a file that does not exist yet: the file is created */
	assert_int_equal(symlink("later.json", dangling), 0);
	assert_true(write_file_atomic(dangling, "made", 4, &e));
	assert_int_equal(lstat(dangling, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	text = get(later);
	assert_string_equal(text, "made");
	free(text);
	assert_entries(d, 4);
	free(target);
	free(link);
	free(dangling);
	free(later);
}

static void test_write_refusals(void **state)
{
	struct dir *d = *state;
	char *a = in(d, "a"), *b = in(d, "b"), *fifo = in(d, "fifo"), *sub = in(d, "sub"),
	     *missing = in(d, "no/such/dir/x.json"), *want;
	struct err e;

	assert_int_equal(symlink("b", a), 0);
	assert_int_equal(symlink("a", b), 0);
	err_clear(&e);
	assert_false(write_file_atomic(a, "x", 1, &e));
	want = xasprintf("%s: too many levels of symbolic links", a);
	assert_string_equal(msg(&e), want);
	free(want);
	err_clear(&e);
	assert_false(write_file_check(a, &e));

	assert_int_equal(mkfifo(fifo, 0600), 0);
	err_clear(&e);
	assert_false(write_file_atomic(fifo, "x", 1, &e));
	want = xasprintf("%s: not a regular file (a FIFO); not replacing it", fifo);
	assert_string_equal(msg(&e), want);
	free(want);

	assert_int_equal(mkdir(sub, 0700), 0);
	err_clear(&e);
	assert_false(write_file_check(sub, &e));
	want = xasprintf("%s: is a directory, not a file", sub);
	assert_string_equal(msg(&e), want);
	free(want);

	err_clear(&e);
	assert_false(write_file_check(missing, &e));
	want = xasprintf("%s: cannot create a temporary file beside it: No such file or directory",
			 missing);
	assert_string_equal(msg(&e), want);
	free(want);
	assert_entries(d, 4); /* a, b, fifo, sub: nothing else was created */
	free(a);
	free(b);
	free(fifo);
	free(sub);
	free(missing);
}

static void test_write_check(void **state)
{
	struct dir *d = *state;
	char *f = in(d, "out.json"), *ro = in(d, "ro"), *rof = in(d, "ro/out.json");
	struct err e;

	err_clear(&e);
	assert_true(write_file_check(f, &e));
	assert_entries(d, 0); /* the probe file is gone again */
	put(f, "keep", 0600);
	assert_true(write_file_check(f, &e));
	char *text = get(f);
	assert_string_equal(text, "keep");
	free(text);
	assert_int_equal(mkdir(ro, 0500), 0);
	if (geteuid() != 0) {
		err_clear(&e);
		assert_false(write_file_check(rof, &e));
		assert_non_null(strstr(e.msg, "cannot create a temporary file beside it"));
	}
	free(f);
	free(ro);
	free(rof);
}

/* ---- display width --------------------------------------------------------- */

static void test_utf8_width(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	/* ASCII is strlen in any locale, control characters included */
	assert_int_equal(utf8_width(""), 0);
	assert_int_equal(utf8_width("Haswell-noTSX"), 13);
	assert_int_equal(utf8_width("a\tb"), 3);
	/* not UTF-8: a byte, a column */
	assert_int_equal(utf8_width("\xff\xfe"), 2);
	assert_int_equal(utf8_width("\xc3"), 1);       /* cut short */
	assert_int_equal(utf8_width("\xc0\xaf"), 2);   /* overlong */
	assert_int_equal(utf8_width("\xed\xa0\x80"), 3); /* a surrogate */
	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		print_message("note: no C.UTF-8 locale; wide characters not checked\n");
		return;
	}
	assert_int_equal(utf8_width("B\xc3\xaata"), 4);             /* Bêta */
	assert_int_equal(utf8_width("\xe6\xa8\xa1\xe5\x9e\x8b"), 4); /* 模型: two wide */
	assert_int_equal(utf8_width("e\xcc\x81"), 1);                /* e + combining acute */
	assert_int_equal(utf8_width("\xe2\x84\xa2"), 1);             /* ™ */
	sb_add_padded(&sb, "B\xc3\xaata-\xe6\xa8\xa1\xe5\x9e\x8b", 12);
	sb_add(&sb, "|");
	assert_string_equal(sb_str(&sb), "B\xc3\xaata-\xe6\xa8\xa1\xe5\x9e\x8b   |");
	sb_reset(&sb);
	sb_add_padded(&sb, "toolong", 3); /* never cut, as %-*s */
	assert_string_equal(sb_str(&sb), "toolong");
	sb_fini(&sb);
	/* in the C locale a non-ASCII character counts one column */
	setlocale(LC_CTYPE, "C");
	assert_int_equal(utf8_width("\xe6\xa8\xa1\xe5\x9e\x8b"), 2);
}

static char *list(const char *const *v, size_t n, size_t max)
{
	struct strbuf sb = STRBUF_INIT;

	sb_add_list(&sb, v, n, max);
	return sb_take(&sb);
}

static void test_list(void **state)
{
	static const char *const v[] = { "a", "b", "c", "d", "e" };
	char *s;

	(void)state;
	s = list(v, 0, 3);
	assert_string_equal(s, "");
	free(s);
	s = list(v, 3, 3);
	assert_string_equal(s, "a, b, c");
	free(s);
	/* one more name is shown, never "... (1 more)" */
	s = list(v, 4, 3);
	assert_string_equal(s, "a, b, c, d");
	free(s);
	s = list(v, 5, 3);
	assert_string_equal(s, "a, b, c, ... (2 more)");
	free(s);
	s = list(v, 5, 0);
	assert_string_equal(s, "... (5 more)");
	free(s);
}

static void test_read_dash_is_stdin(void **state)
{
	char *text = NULL;
	size_t len = 0;
	struct err e;

	(void)state;
	err_clear(&e);
	assert_non_null(freopen(test_path("tests/data/guests/haswell.xml"), "r", stdin));
	assert_true(read_file_limited("-", FILE_LIMIT_DEFAULT, &text, &len, &e));
	assert_non_null(strstr(text, "Haswell"));
	assert_int_equal(len, strlen(text));
	free(text);
	assert_non_null(freopen(test_path("tests/data/guests/haswell.xml"), "r", stdin));
	assert_false(read_file_limited("-", 4, &text, &len, &e));
	assert_string_equal(e.file, "-");
	assert_string_equal(e.msg, "file too large (over 4 bytes)");
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_refuses_non_regular, setup, teardown),
		cmocka_unit_test(test_read_stdin),
		cmocka_unit_test_setup_teardown(test_write_keeps_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_new_file_umask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_keeps_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_through_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_check, setup, teardown),
		cmocka_unit_test(test_utf8_width),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_read_dash_is_stdin),
	};
	return TEST_RUN("util", tests, argc, argv);
}
