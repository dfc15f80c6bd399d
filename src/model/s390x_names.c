/* s390x_names.c - IBM's names for QEMU's s390x models (s390x_names.h). */
#include "s390x_names.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* QEMU's order (cpu_models.c as `-cpu help` lists it), oldest first.  The
 * names people type are on the first GA level of each machine. */
static const struct s390x_name names[] = {
	{ "z900", 7, 1, "2064", "IBM eServer zSeries 900", NULL, "zSeries 900|2064" },
	{ "z900.2", 7, 2, "2064", "IBM eServer zSeries 900", NULL, NULL },
	{ "z900.3", 7, 3, "2064", "IBM eServer zSeries 900", NULL, NULL },
	{ "z800", 7, 1, "2066", "IBM eServer zSeries 800", NULL, "zSeries 800|2066" },
	{ "z990", 8, 1, "2084", "IBM eServer zSeries 990", NULL, "zSeries 990|2084" },
	{ "z990.2", 8, 2, "2084", "IBM eServer zSeries 990", NULL, NULL },
	{ "z990.3", 8, 3, "2084", "IBM eServer zSeries 990", NULL, NULL },
	{ "z890", 8, 1, "2086", "IBM eServer zSeries 890", NULL, "zSeries 890|2086" },
	{ "z990.4", 8, 4, "2084", "IBM eServer zSeries 990", NULL, NULL },
	{ "z890.2", 8, 2, "2086", "IBM eServer zSeries 890", NULL, NULL },
	{ "z990.5", 8, 5, "2084", "IBM eServer zSeries 990", NULL, NULL },
	{ "z890.3", 8, 3, "2086", "IBM eServer zSeries 890", NULL, NULL },
	{ "z9EC", 9, 1, "2094", "IBM System z9 Enterprise Class", NULL,
	  "z9|z9 EC|System z9 EC|2094" },
	{ "z9EC.2", 9, 2, "2094", "IBM System z9 Enterprise Class", NULL, NULL },
	{ "z9BC", 9, 1, "2096", "IBM System z9 Business Class", NULL, "z9 BC|System z9 BC|2096" },
	{ "z9EC.3", 9, 3, "2094", "IBM System z9 Enterprise Class", NULL, NULL },
	{ "z9BC.2", 9, 2, "2096", "IBM System z9 Business Class", NULL, NULL },
	{ "z10EC", 10, 1, "2097", "IBM System z10 Enterprise Class", NULL,
	  "z10|z10 EC|System z10 EC|2097" },
	{ "z10EC.2", 10, 2, "2097", "IBM System z10 Enterprise Class", NULL, NULL },
	{ "z10BC", 10, 1, "2098", "IBM System z10 Business Class", NULL,
	  "z10 BC|System z10 BC|2098" },
	{ "z10EC.3", 10, 3, "2097", "IBM System z10 Enterprise Class", NULL, NULL },
	{ "z10BC.2", 10, 2, "2098", "IBM System z10 Business Class", NULL, NULL },
	{ "z196", 11, 1, "2817", "IBM zEnterprise 196", NULL, "zEnterprise 196|2817" },
	{ "z196.2", 11, 2, "2817", "IBM zEnterprise 196", NULL, NULL },
	{ "z114", 11, 1, "2818", "IBM zEnterprise 114", NULL, "zEnterprise 114|2818" },
	{ "zEC12", 12, 1, "2827", "IBM zEnterprise EC12", NULL, "EC12|zEnterprise EC12|2827" },
	{ "zEC12.2", 12, 2, "2827", "IBM zEnterprise EC12", NULL, NULL },
	{ "zBC12", 12, 1, "2828", "IBM zEnterprise BC12", NULL, "BC12|zEnterprise BC12|2828" },
	{ "z13", 13, 1, "2964", "IBM z13", "IBM LinuxONE Emperor", "2964|LinuxONE Emperor" },
	{ "z13.2", 13, 2, "2964", "IBM z13", "IBM LinuxONE Emperor", NULL },
	{ "z13s", 13, 1, "2965", "IBM z13s", "IBM LinuxONE Rockhopper",
	  "2965|LinuxONE Rockhopper" },
	{ "z14", 14, 1, "3906", "IBM z14", "IBM LinuxONE Emperor II", "3906|LinuxONE Emperor II" },
	{ "z14.2", 14, 2, "3906", "IBM z14", "IBM LinuxONE Emperor II", NULL },
	{ "z14ZR1", 14, 1, "3907", "IBM z14 ZR1", "IBM LinuxONE Rockhopper II",
	  "z14 ZR1|z14 Model ZR1|3907|LinuxONE Rockhopper II" },
	{ "gen15a", 15, 1, "8561", "IBM z15 T01", "IBM LinuxONE III LT1",
	  "z15|z15 T01|8561|LinuxONE III|LinuxONE III LT1" },
	{ "gen15b", 15, 1, "8562", "IBM z15 T02", "IBM LinuxONE III LT2",
	  "z15 T02|8562|LinuxONE III LT2" },
	{ "gen16a", 16, 1, "3931", "IBM z16 A01", "IBM LinuxONE Emperor 4",
	  "z16|z16 A01|3931|LinuxONE 4|LinuxONE Emperor 4" },
	{ "gen16b", 16, 1, "3932", "IBM z16 A02 and AGZ", "IBM LinuxONE Rockhopper 4",
	  "z16 A02|z16 AGZ|3932|LinuxONE Rockhopper 4" },
	{ "gen17a", 17, 1, "9175", "IBM z17 ME1", "IBM LinuxONE Emperor 5",
	  "z17|z17 ME1|9175|LinuxONE 5|LinuxONE Emperor 5" },
	{ "gen17b", 17, 1, "9176", "IBM machine type 9176 (unnamed in QEMU 10.0)", NULL, "9176" },
};

const struct s390x_name *s390x_names(size_t *n)
{
	*n = sizeof(names) / sizeof(names[0]);
	return names;
}

const struct s390x_name *s390x_name_of(const char *qemu_model)
{
	size_t len = strlen(qemu_model);

	if (len > 5 && !strcmp(qemu_model + len - 5, "-base"))
		len -= 5;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].qemu) == len && !strncmp(names[i].qemu, qemu_model, len))
			return &names[i];
	return NULL;
}

/* Lower case, without blanks, '-', '_' and a leading "IBM". */
static void squash(const char *s, char *out, size_t size)
{
	size_t n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!strncasecmp(s, "ibm", 3) && (s[3] == ' ' || s[3] == '-' || s[3] == '_'))
		s += 4;
	for (; *s && n + 1 < size; s++)
		if (*s != ' ' && *s != '\t' && *s != '-' && *s != '_')
			out[n++] = (char)tolower((unsigned char)*s);
	out[n] = '\0';
}

const struct s390x_name *s390x_name_lookup(const char *typed)
{
	char want[96], got[96];

	if (strlen(typed) >= sizeof(want))
		return NULL;
	squash(typed, want, sizeof(want));
	if (!want[0])
		return NULL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *p = names[i].typed;
		while (p && *p) {
			const char *bar = strchr(p, '|');
			size_t n = bar ? (size_t)(bar - p) : strlen(p);
			char one[96];
			snprintf(one, sizeof(one), "%.*s", (int)n, p);
			squash(one, got, sizeof(got));
			if (!strcmp(got, want))
				return &names[i];
			p = bar ? bar + 1 : NULL;
		}
	}
	return NULL;
}

const char *s390x_name_text(const struct s390x_name *n, char *buf, size_t size)
{
	if (n->linuxone)
		snprintf(buf, size, "%s / %s, machine type %s, generation %d GA%d", n->product,
			 n->linuxone, n->machine_type, n->gen, n->ga);
	else
		snprintf(buf, size, "%s, machine type %s, generation %d GA%d", n->product,
			 n->machine_type, n->gen, n->ga);
	return buf;
}
