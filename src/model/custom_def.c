/* custom_def.c - custom CPU models (custom_def.h). */
#include "custom_def.h"

#include <stdlib.h>
#include <string.h>

#include "vendor.h"

const char *custom_format_name(enum custom_format f)
{
	return f == CUSTOM_PROXMOX ? "Proxmox VE cpu-models.conf" : "[cpudef] file";
}

struct custom_set *custom_set_new(const char *source, enum custom_format format)
{
	struct custom_set *s = xcalloc(1, sizeof(*s));

	s->source = xstrdup(source ? source : "<string>");
	s->format = format;
	return s;
}

static void flag_free(void *p)
{
	struct custom_flag *f = p;

	if (!f)
		return;
	free(f->name);
	free(f);
}

static void model_free(void *p)
{
	struct custom_model *m = p;

	if (!m)
		return;
	free(m->name);
	free(m->id);
	free(m->base);
	free(m->hv_vendor_id);
	vec_fini(&m->flags, flag_free);
	free(m);
}

void custom_set_free(struct custom_set *s)
{
	if (!s)
		return;
	vec_fini(&s->models, model_free);
	free(s->source);
	free(s);
}

struct custom_model *custom_set_add(struct custom_set *s, const char *name, const char *id, int line)
{
	struct custom_model *m = xcalloc(1, sizeof(*m));

	m->name = xstrdup(name);
	m->id = xstrdup(id);
	m->format = s->format;
	m->source = s->source;
	m->line = m->base_line = line;
	m->hidden = m->phys_bits = m->guest_phys_bits = -1;
	m->level = -1;
	vec_push(&s->models, m);
	return m;
}

const struct custom_model *custom_set_find(const struct custom_set *s, const char *name)
{
	for (size_t i = 0; s && name && i < s->models.n; i++) {
		const struct custom_model *m = s->models.v[i];
		if (!strcmp(m->name, name))
			return m;
	}
	return NULL;
}

void custom_model_add_flag(struct custom_model *m, const char *name, bool on,
			   enum custom_flag_kind kind, int line)
{
	struct custom_flag *f = xcalloc(1, sizeof(*f));

	f->name = xstrdup(name);
	f->on = on;
	f->kind = kind;
	f->line = line;
	vec_push(&m->flags, f);
}

char *custom_model_flags_text(const struct custom_model *m)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < m->flags.n; i++) {
		const struct custom_flag *f = m->flags.v[i];
		sb_addf(&sb, "%s%c%s", i ? ";" : "", f->on ? '+' : '-', f->name);
	}
	return sb_take(&sb);
}

bool custom_model_has_settings(const struct custom_model *m)
{
	return m->hidden > 0 || m->phys_bits >= 0 || m->guest_phys_bits >= 0 || m->level >= 0 ||
	       m->hv_vendor_id;
}

const char *custom_nested_virt(const char *cpuid_vendor)
{
	const char *v = vendor_name(cpuid_vendor ? cpuid_vendor : "");

	return !strcmp(v, "AMD") || !strcmp(v, "Hygon") ? "svm" : "vmx";
}

char *custom_hv_prop(const char *flag)
{
	char *s = xstrdup(flag);

	for (char *p = s; *p; p++)
		if (*p == '_')
			*p = '-';
	return s;
}
