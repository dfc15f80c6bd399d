# Keep the command/reply pairs of the CPU-related QMP commands of a libvirt
# .replies capture, byte for byte (objects are separated by blank lines).
BEGIN {
	RS = ""
	n = split("qmp_capabilities query-version query-target query-kvm query-machines " \
		  "query-cpu-definitions query-cpu-model-expansion", w, " ")
	for (i = 1; i <= n; i++)
		keep["\"" w[i] "\""]
}
{
	if (substr($0, 1, 15) == "{\n  \"execute\": ") {
		cmd = substr($0, 16)
		sub(/,?\n.*/, "", cmd)
		k = (cmd in keep)
	}
	if (k)
		printf "%s%s\n", (out++ ? "\n" : ""), $0
}
