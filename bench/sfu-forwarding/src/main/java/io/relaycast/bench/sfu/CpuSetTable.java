package io.relaycast.bench.sfu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;

/** run.sh --cpu-sets: one line per pinned run's result file (sustained viewers per server). */
public final class CpuSetTable {
    private CpuSetTable() {
    }

    public static void main(String[] args) throws Exception {
        for (String f : args) {
            JsonNode r = new ObjectMapper().readTree(new File(f));
            System.out.println(Bench.fmt("servers on CPUs %-5s relaycast %s; janus %s; floor %.2f us/packet (load %s)",
                    r.get("serverCpus").asText(), cell(r.has("steps") ? r : null), cell(r.get("janus")),
                    r.path("floorMicrosPerPacket").asDouble(-1), r.get("loadAverageAtEnd").asText()));
        }
    }

    private static String cell(JsonNode ramp) {
        if (ramp == null) {
            return "not run";
        }
        JsonNode s = ramp.get("maxSustained");
        if (s == null) {
            return "no step sustained";
        }
        JsonNode steps = ramp.get("steps");
        boolean capped = steps.get(steps.size() - 1).get("sustained").asBoolean();
        return Bench.fmt("%d viewers sustained%s (%.2f cores, %.2f us/pkt)", s.get("viewers").asInt(),
                capped ? " (the ramp's last step)" : "", s.get("sfuProcessCores").asDouble(),
                s.get("processMicrosPerForwardedPacket").asDouble());
    }
}
