// A plugin that reads its inputs from the host: every sensor value comes from an import, and each one is logged back.
// Built by build.sh (clang-14, wasm32, no libc); WasmProbe's [MockImport] tests provide the imports.

__attribute__((import_module("host"), import_name("read_sensor"))) int read_sensor(int channel);
__attribute__((import_module("host"), import_name("log_value"))) void log_value(int channel, int value);

__attribute__((export_name("average"))) int average(int channels)
{
    int sum = 0;
    for (int channel = 0; channel < channels; channel++)
    {
        int value = read_sensor(channel);
        log_value(channel, value);
        sum += value;
    }
    return channels > 0 ? sum / channels : 0;
}
