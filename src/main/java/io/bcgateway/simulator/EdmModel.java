package io.bcgateway.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Entity and enum types read from the real API v2.0 {@code $metadata}, so simulated entities carry exactly
 * BC's property names, types and string lengths instead of a hand-copied list that drifts.
 */
final class EdmModel {

    static final String METADATA_RESOURCE = "/simulator/bc-api-v2.0-metadata.xml";

    record Property(String name, String type, Integer maxLength) {
        boolean isStream() { return "Edm.Stream".equals(type); }
        boolean isEnum() { return type.startsWith("Microsoft.NAV."); }
    }

    /** @param navigations the names of its navigation properties, in metadata order */
    record EntityType(String name, Map<String, Property> properties, List<String> navigations) {
        String qualifiedName() { return "Microsoft.NAV." + name; }
        Property property(String n) { return properties.get(n); }
    }

    private final Map<String, EntityType> entityTypes;
    private final Map<String, List<String>> enumMembers;
    private final byte[] metadataXml;

    private EdmModel(Map<String, EntityType> entityTypes, Map<String, List<String>> enumMembers, byte[] xml) {
        this.entityTypes = entityTypes;
        this.enumMembers = enumMembers;
        this.metadataXml = xml;
    }

    static EdmModel load() {
        try (InputStream in = EdmModel.class.getResourceAsStream(METADATA_RESOURCE)) {
            if (in == null) throw new IllegalStateException("Missing classpath resource " + METADATA_RESOURCE);
            byte[] xml = in.readAllBytes();
            return parse(xml);
        } catch (IOException | XMLStreamException e) {
            throw new IllegalStateException("Cannot read " + METADATA_RESOURCE, e);
        }
    }

    private static EdmModel parse(byte[] xml) throws XMLStreamException {
        Map<String, EntityType> types = new HashMap<>();
        Map<String, List<String>> enums = new HashMap<>();
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        XMLStreamReader r = f.createXMLStreamReader(new java.io.ByteArrayInputStream(xml));
        String currentType = null;
        Map<String, Property> props = null;
        List<String> navs = null;
        String currentEnum = null;
        List<String> members = null;
        while (r.hasNext()) {
            int ev = r.next();
            if (ev == XMLStreamConstants.START_ELEMENT) {
                switch (r.getLocalName()) {
                    case "EntityType" -> {
                        currentType = r.getAttributeValue(null, "Name");
                        props = new LinkedHashMap<>();
                        navs = new ArrayList<>();
                    }
                    case "NavigationProperty" -> { if (navs != null) navs.add(r.getAttributeValue(null, "Name")); }
                    case "Property" -> {
                        if (props != null) {
                            String ml = r.getAttributeValue(null, "MaxLength");
                            String name = r.getAttributeValue(null, "Name");
                            props.put(name, new Property(name, r.getAttributeValue(null, "Type"),
                                    ml == null || ml.equals("max") ? null : Integer.valueOf(ml)));
                        }
                    }
                    case "EnumType" -> { currentEnum = r.getAttributeValue(null, "Name"); members = new ArrayList<>(); }
                    case "Member" -> { if (members != null) members.add(decodeName(r.getAttributeValue(null, "Name"))); }
                    default -> { }
                }
            } else if (ev == XMLStreamConstants.END_ELEMENT) {
                if (r.getLocalName().equals("EntityType") && currentType != null) {
                    types.put(currentType, new EntityType(currentType, Collections.unmodifiableMap(props), List.copyOf(navs)));
                    currentType = null;
                    props = null;
                    navs = null;
                } else if (r.getLocalName().equals("EnumType") && currentEnum != null) {
                    enums.put("Microsoft.NAV." + currentEnum, List.copyOf(members));
                    currentEnum = null;
                    members = null;
                }
            }
        }
        return new EdmModel(types, enums, xml);
    }

    private static final Pattern XML_ESCAPE = Pattern.compile("_x([0-9A-Fa-f]{4})_");

    /** EDM names encode characters as {@code _xHHHH_}: {@code _x0020_} is BC's blank enum value " ". */
    static String decodeName(String name) {
        Matcher m = XML_ESCAPE.matcher(name);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 16))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    EntityType entityType(String name) {
        EntityType t = entityTypes.get(name);
        if (t == null) throw new IllegalStateException("Entity type " + name + " is not in the metadata");
        return t;
    }

    List<String> enumMembers(String qualifiedType) {
        return enumMembers.getOrDefault(qualifiedType, List.of());
    }

    byte[] metadataXml() {
        return metadataXml;
    }
}
