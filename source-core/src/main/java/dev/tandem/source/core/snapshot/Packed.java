package dev.tandem.source.core.snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * Lists of strings packed into one string (for task configs and Connect offsets, which hold flat
 * strings): items joined by {@code |}, with {@code \} escaping a {@code |} or {@code \} inside
 * an item. Packing nests, so a list of packed lists packs again.
 */
final class Packed {

    private Packed() {
    }

    static String pack(List<String> items) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append('|');
            }
            String item = items.get(i);
            for (int j = 0; j < item.length(); j++) {
                char c = item.charAt(j);
                if (c == '|' || c == '\\') {
                    out.append('\\');
                }
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The items of a packed string; {@code pack(List.of())} and {@code pack(List.of(""))} both unpack to one empty item. */
    static List<String> unpack(String packed) {
        List<String> items = new ArrayList<>();
        StringBuilder item = new StringBuilder();
        for (int i = 0; i < packed.length(); i++) {
            char c = packed.charAt(i);
            if (c == '\\' && i + 1 < packed.length()) {
                item.append(packed.charAt(++i));
            } else if (c == '|') {
                items.add(item.toString());
                item.setLength(0);
            } else {
                item.append(c);
            }
        }
        items.add(item.toString());
        return items;
    }
}
