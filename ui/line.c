/* line.c - the prompts' line editing (search, save to, probe, machine
 * type): a cursor, inserting at it, and the editing actions of the key
 * table's prompt map (keys.c), readline's keys.  Text is UTF-8: the cursor
 * moves and deletes whole characters. */
#include "app.h"

#include <ctype.h>
#include <string.h>

static bool cont_byte(char c)
{
	return ((unsigned char)c & 0xc0) == 0x80;
}

/* The start of the character before offset i (0 at the start). */
static size_t char_before(const struct strbuf *sb, size_t i)
{
	if (!i)
		return 0;
	do
		i--;
	while (i && cont_byte(sb->s[i]));
	return i;
}

/* The offset after the character at i. */
static size_t char_after(const struct strbuf *sb, size_t i)
{
	if (i >= sb->len)
		return sb->len;
	do
		i++;
	while (i < sb->len && cont_byte(sb->s[i]));
	return i;
}

/* Delete bytes [from, to) of sb. */
static void cut(struct strbuf *sb, size_t from, size_t to)
{
	if (to <= from)
		return;
	memmove(sb->s + from, sb->s + to, sb->len - to + 1);
	sb->len -= to - from;
}

void line_insert(struct strbuf *sb, size_t *cur, char c)
{
	if (*cur > sb->len)
		*cur = sb->len;
	sb_addc(sb, c); /* room for one more */
	memmove(sb->s + *cur + 1, sb->s + *cur, sb->len - *cur - 1);
	sb->s[*cur] = c;
	(*cur)++;
}

bool line_edit(struct strbuf *sb, size_t *cur, enum action act)
{
	size_t i;

	if (*cur > sb->len)
		*cur = sb->len;
	switch (act) {
	case ACT_LINE_LEFT:
		*cur = char_before(sb, *cur);
		return true;
	case ACT_LINE_RIGHT:
		*cur = char_after(sb, *cur);
		return true;
	case ACT_LINE_HOME:
		*cur = 0;
		return true;
	case ACT_LINE_END:
		*cur = sb->len;
		return true;
	case ACT_LINE_BS:
		i = char_before(sb, *cur);
		cut(sb, i, *cur);
		*cur = i;
		return true;
	case ACT_LINE_DEL:
		cut(sb, *cur, char_after(sb, *cur));
		return true;
	case ACT_LINE_WORD:
		/* the blanks before the cursor, then the word (readline's C-w) */
		i = *cur;
		while (i && sb->s[i - 1] == ' ')
			i--;
		while (i && sb->s[i - 1] != ' ')
			i--;
		cut(sb, i, *cur);
		*cur = i;
		return true;
	case ACT_LINE_KILL:
		cut(sb, 0, *cur);
		*cur = 0;
		return true;
	case ACT_LINE_KILL_END:
		cut(sb, *cur, sb->len);
		return true;
	default:
		return false;
	}
}
