package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Deterministic demo data in the spirit of BC's CRONUS demo company: same seed, same ids, names and numbers,
 * so tests and benchmarks can hard-code nothing yet reproduce everything.
 */
final class SeedData {

    static final UUID EMPTY_GUID = new UUID(0, 0);
    private static final JsonNodeFactory JSON = JsonNodeFactory.withExactBigDecimals(true);
    private static final Instant DEMO_EPOCH = Instant.parse("2024-01-15T08:00:00Z");

    private static final List<String> COMPANY_NAMES = List.of("CRONUS USA, Inc.", "CRONUS Canada, Inc.", "CRONUS UK Ltd.",
            "CRONUS Australia Pty. Ltd.", "CRONUS Danmark A/S", "CRONUS Deutschland GmbH", "CRONUS France S.A.", "CRONUS Italia S.p.A.",
            "CRONUS Nederland BV", "CRONUS Sverige AB");
    private static final List<String> CUSTOMER_NAMES = List.of("Adatum Corporation", "Trey Research", "School of Fine Art",
            "Alpine Ski House", "Relecloud", "Coho Winery", "Fabrikam Residences", "Contoso Pharmaceuticals", "Northwind Traders",
            "Wide World Importers", "Tailspin Toys", "Litware, Inc.", "Proseware, Inc.", "Fourth Coffee", "Woodgrove Bank",
            "Lamna Healthcare Company", "Margie's Travel", "Blue Yonder Airlines", "Humongous Insurance", "Graphic Design Institute",
            "VanArsdel, Ltd.", "Wingtip Toys", "Southridge Video", "Lucerne Publishing", "Consolidated Messenger");
    private static final List<String> VENDOR_NAMES = List.of("Fabrikam, Inc.", "First Up Consultants", "Graphic Design Institute",
            "Wide World Importers", "Nod Publishers", "Contoso Suites", "Bellows College", "City Power & Light", "Best For You Organics",
            "Munson's Pickles and Preserves Farm");
    private static final List<String[]> ITEMS = List.of(new String[] {"1896-S", "ATHENS Desk"},
            new String[] {"1900-S", "PARIS Guest Chair, black"}, new String[] {"1906-S", "ATHENS Mobile Pedestal"},
            new String[] {"1908-S", "LONDON Swivel Chair, blue"}, new String[] {"1920-S", "ANTWERP Conference Table"},
            new String[] {"1925-W", "Conference Bundle 1-6"}, new String[] {"1928-S", "AMSTERDAM Lamp"},
            new String[] {"1929-W", "Conference Bundle 1-8"}, new String[] {"1936-S", "BERLIN Guest Chair, yellow"},
            new String[] {"1953-W", "Guest Section 1"}, new String[] {"1960-S", "ROME Guest Chair, green"},
            new String[] {"1964-S", "TOKYO Guest Chair, blue"}, new String[] {"1965-W", "Conference Bundle 2-8"},
            new String[] {"1968-S", "MEXICO Swivel Chair, black"}, new String[] {"1969-W", "Conference Package 1"},
            new String[] {"1972-S", "MUNICH Swivel Chair, yellow"}, new String[] {"1980-S", "MOSCOW Swivel Chair, red"},
            new String[] {"1988-S", "SEOUL Guest Chair, red"}, new String[] {"1996-S", "ATLANTA Whiteboard, base"},
            new String[] {"2000-S", "SYDNEY Swivel Chair, green"});
    private static final List<String> NAME_WORDS = List.of("Northwind", "Contoso", "Fabrikam", "Adventure", "Proseware", "Litware",
            "Tailspin", "Woodgrove", "Lucerne", "Wingtip", "Datum", "Humongous", "Trey", "Alpine", "Coho", "Margie's", "Fourth", "Blue Yonder");
    private static final List<String> NAME_SUFFIXES = List.of("Traders", "Works", "Outfitters", "Bank", "Publishing", "Airlines",
            "Insurance", "Winery", "Toys", "Consulting", "Electronics", "Foods", "Logistics", "Studios", "Partners");
    private static final List<String> CITIES = List.of("Atlanta|GA|31772", "Chicago|IL|61236", "Miami|FL|37125", "Seattle|WA|98101",
            "Redmond|WA|98052", "Boston|MA|02108", "Denver|CO|80202", "Austin|TX|78701", "Phoenix|AZ|85003", "Portland|OR|97201");
    private static final List<String> STREETS = List.of("Main Street", "Oak Avenue", "Pine Road", "Maple Drive", "Cedar Lane",
            "Elm Street", "Lake Shore Drive", "Park Avenue", "Hill Street", "River Road");
    private static final List<String> FURNITURE = List.of("Desk", "Guest Chair", "Swivel Chair", "Lamp", "Whiteboard", "Table",
            "Bookcase", "Cabinet");
    private static final List<String> ITEM_CITIES = List.of("OSLO", "ROME", "PARIS", "MADRID", "VIENNA", "PRAGUE", "LISBON", "DUBLIN");
    private static final List<String> COLORS = List.of("black", "blue", "red", "green", "yellow", "white");
    private static final List<String> SALESPEOPLE = List.of("JR", "PS", "BC", "HB");

    private static final String PAYMENT_TERMS_ID = nameGuid("paymentterms:30 DAYS");
    private static final String SHIPMENT_METHOD_ID = nameGuid("shipment:EXW");
    private static final String PAYMENT_METHOD_ID = nameGuid("payment:BANK");
    private static final String TAX_GROUP_ID = nameGuid("taxgroup:FURNITURE");
    private static final String UOM_ID = nameGuid("uom:PCS");
    private static final String GEN_PROD_ID = nameGuid("genprod:RETAIL");
    private static final String INV_POST_ID = nameGuid("invpost:RESALE");
    private static final java.util.Map<String, String> NAMED_GUIDS = new java.util.concurrent.ConcurrentHashMap<>();

    private SeedData() { }

    private static String nameGuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    private static String cachedGuid(String name) {
        return NAMED_GUIDS.computeIfAbsent(name, SeedData::nameGuid);
    }

    static EntityStore generate(EdmModel model, SimulatorSettings s) {
        EntityStore store = new EntityStore(model, s.seed());
        Random rnd = new Random(s.seed());
        for (int c = 0; c < s.companies(); c++) {
            UUID companyId = guid(rnd);
            String name = c < COMPANY_NAMES.size() ? COMPANY_NAMES.get(c) : "CRONUS Company " + (c + 1);
            EntityStore.Company company = store.addCompany(companyId, company(model, rnd, companyId, name, c));
            Random data = new Random(s.seed() * 31 + c);
            for (int i = 0; i < s.customersPerCompany(); i++) {
                insert(store, company, "customers", customer(model, data, i), i);
            }
            for (int i = 0; i < s.vendorsPerCompany(); i++) {
                insert(store, company, "vendors", vendor(model, data, i), i);
            }
            for (int i = 0; i < s.itemsPerCompany(); i++) {
                insert(store, company, "items", item(model, data, i), i);
            }
        }
        store.companiesAndSets().forEach(EntitySet::forgetHistory); // the seed is on the replica too
        return store;
    }

    private static void insert(EntityStore store, EntityStore.Company company, String set, ObjectNode data, int index) {
        company.sets.get(set).insert(UUID.fromString(data.get("id").asText()), data, store.nextEtag());
        company.nextNumber.computeIfAbsent(set, k -> new java.util.concurrent.atomic.AtomicLong()).set(index + 1);
    }

    /** A row with every property of the type at BC's blank value ("" / 0 / false / empty GUID / first enum member). */
    static ObjectNode blank(EdmModel model, EdmModel.EntityType type) {
        return BLANKS.computeIfAbsent(type.name(), k -> buildBlank(model, type)).deepCopy();
    }

    private static final java.util.Map<String, ObjectNode> BLANKS = new java.util.concurrent.ConcurrentHashMap<>();

    private static ObjectNode buildBlank(EdmModel model, EdmModel.EntityType type) {
        ObjectNode n = JSON.objectNode();
        for (EdmModel.Property p : type.properties().values()) {
            switch (p.type()) {
                case "Edm.Stream" -> { }
                case "Edm.String" -> n.put(p.name(), "");
                case "Edm.Guid" -> n.put(p.name(), EMPTY_GUID.toString());
                case "Edm.Decimal", "Edm.Double" -> n.put(p.name(), BigDecimal.ZERO);
                case "Edm.Int32", "Edm.Int64" -> n.put(p.name(), 0);
                case "Edm.Boolean" -> n.put(p.name(), false);
                case "Edm.Date" -> n.put(p.name(), "0001-01-01");
                case "Edm.DateTimeOffset" -> n.put(p.name(), "0001-01-01T00:00:00Z");
                default -> {
                    List<String> members = model.enumMembers(p.type());
                    n.put(p.name(), members.isEmpty() ? "" : members.get(0));
                }
            }
        }
        return n;
    }

    private static ObjectNode company(EdmModel model, Random rnd, UUID id, String name, int index) {
        ObjectNode n = blank(model, model.entityType("company"));
        Instant created = DEMO_EPOCH.minusSeconds(86_400L * (400 + index));
        UUID admin = guid(rnd);
        n.put("id", id.toString());
        n.put("systemVersion", "25.2.28990.0");
        n.put("timestamp", 26_000L + index * 17);
        n.put("name", name.length() > 30 ? name.substring(0, 30) : name);
        n.put("displayName", name);
        n.put("businessProfileId", "");
        n.put("systemCreatedAt", EntityStore.timestamp(created));
        n.put("systemCreatedBy", admin.toString());
        n.put("systemModifiedAt", EntityStore.timestamp(created.plusSeconds(3600)));
        n.put("systemModifiedBy", admin.toString());
        return n;
    }

    private static ObjectNode customer(EdmModel model, Random rnd, int i) {
        ObjectNode n = blank(model, model.entityType("customer"));
        String name = i < CUSTOMER_NAMES.size() ? CUSTOMER_NAMES.get(i) : generatedName(rnd, i);
        String[] city = pick(rnd, CITIES).split("\\|");
        n.put("id", guid(rnd).toString());
        n.put("number", String.valueOf((i + 1) * 10000L));
        n.put("displayName", name);
        n.put("type", rnd.nextInt(10) == 0 ? "Person" : "Company");
        address(n, rnd, city);
        n.put("email", mailbox(name, "contact"));
        n.put("website", "www." + domain(name));
        n.put("salespersonCode", pick(rnd, SALESPEOPLE));
        n.put("balanceDue", BigDecimal.valueOf(rnd.nextInt(5_000_000), 2));
        n.put("creditLimit", BigDecimal.valueOf(rnd.nextInt(10) * 5000L));
        n.put("taxLiable", true);
        n.put("taxAreaId", cachedGuid("taxarea:" + city[1]));
        n.put("taxAreaDisplayName", city[1]);
        n.put("paymentTermsId", PAYMENT_TERMS_ID);
        n.put("shipmentMethodId", SHIPMENT_METHOD_ID);
        n.put("paymentMethodId", PAYMENT_METHOD_ID);
        n.put("blocked", " ");
        n.put("lastModifiedDateTime", EntityStore.timestamp(modified(rnd)));
        return n;
    }

    private static ObjectNode vendor(EdmModel model, Random rnd, int i) {
        ObjectNode n = blank(model, model.entityType("vendor"));
        String name = i < VENDOR_NAMES.size() ? VENDOR_NAMES.get(i) : generatedName(rnd, i);
        String[] city = pick(rnd, CITIES).split("\\|");
        n.put("id", guid(rnd).toString());
        n.put("number", String.valueOf((i + 1) * 10000L));
        n.put("displayName", name);
        address(n, rnd, city);
        n.put("email", mailbox(name, "sales"));
        n.put("website", "www." + domain(name));
        n.put("paymentTermsId", PAYMENT_TERMS_ID);
        n.put("paymentMethodId", PAYMENT_METHOD_ID);
        n.put("taxLiable", rnd.nextBoolean());
        n.put("blocked", " ");
        n.put("balance", BigDecimal.valueOf(rnd.nextInt(2_000_000), 2));
        n.put("lastModifiedDateTime", EntityStore.timestamp(modified(rnd)));
        return n;
    }

    private static ObjectNode item(EdmModel model, Random rnd, int i) {
        ObjectNode n = blank(model, model.entityType("item"));
        String number;
        String name;
        if (i < ITEMS.size()) {
            number = ITEMS.get(i)[0];
            name = ITEMS.get(i)[1];
        } else {
            number = (2000 + i) + "-S";
            name = pick(rnd, ITEM_CITIES) + " " + pick(rnd, FURNITURE) + ", " + pick(rnd, COLORS);
        }
        boolean bundle = number.endsWith("-W");
        n.put("id", guid(rnd).toString());
        n.put("number", number);
        n.put("displayName", name);
        n.put("type", bundle ? "Service" : "Inventory");
        n.put("itemCategoryCode", bundle ? "MISC" : "FURNITURE");
        n.put("itemCategoryId", cachedGuid("itemcategory:" + n.get("itemCategoryCode").asText()));
        n.put("inventory", bundle ? 0 : rnd.nextInt(200));
        BigDecimal cost = BigDecimal.valueOf(5_000 + rnd.nextInt(90_000), 2);
        n.put("unitCost", cost);
        n.put("unitPrice", cost.multiply(BigDecimal.valueOf(13, 1)).setScale(2, java.math.RoundingMode.HALF_UP));
        n.put("taxGroupCode", "FURNITURE");
        n.put("taxGroupId", TAX_GROUP_ID);
        n.put("baseUnitOfMeasureCode", "PCS");
        n.put("baseUnitOfMeasureId", UOM_ID);
        n.put("generalProductPostingGroupCode", "RETAIL");
        n.put("generalProductPostingGroupId", GEN_PROD_ID);
        n.put("inventoryPostingGroupCode", "RESALE");
        n.put("inventoryPostingGroupId", INV_POST_ID);
        n.put("lastModifiedDateTime", EntityStore.timestamp(modified(rnd)));
        return n;
    }

    private static void address(ObjectNode n, Random rnd, String[] city) {
        n.put("addressLine1", (100 + rnd.nextInt(9900)) + " " + pick(rnd, STREETS));
        n.put("city", city[0]);
        n.put("state", city[1]);
        n.put("country", "US");
        n.put("postalCode", city[2]);
        int ext = rnd.nextInt(10000);
        n.put("phoneNumber", "+1 425 555 " + (ext < 1000 ? (ext < 100 ? (ext < 10 ? "000" : "00") : "0") : "") + ext);
    }

    private static String generatedName(Random rnd, int i) {
        return pick(rnd, NAME_WORDS) + " " + pick(rnd, NAME_SUFFIXES) + " " + (i + 1);
    }

    private static String domain(String name) {
        StringBuilder d = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length() && d.length() < 40; i++) {
            char c = Character.toLowerCase(name.charAt(i));
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) d.append(c);
        }
        return d.append(".com").toString();
    }

    private static String mailbox(String name, String box) {
        return box + "@" + domain(name);
    }

    private static Instant modified(Random rnd) {
        return DEMO_EPOCH.minusSeconds(rnd.nextInt(180 * 86_400)).minusMillis(rnd.nextInt(1000));
    }

    private static <T> T pick(Random rnd, List<T> list) {
        return list.get(rnd.nextInt(list.size()));
    }

    /** A random (version 4) GUID drawn from the seeded generator. */
    static UUID guid(Random rnd) {
        long msb = (rnd.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (rnd.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
