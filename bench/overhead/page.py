#!/usr/bin/env python3
"""Writes BC-shaped customers pages (API v2.0 shape) for the overhead benchmark's static upstream.

customers.json        a page without @odata.nextLink (passed through untouched by the gateway)
customers-paged.json  the same page with an absolute @odata.nextLink into the upstream (rewritten by the gateway)
"""
import json, sys, uuid, random

out_dir, base, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
company = "ba419d35-0dfe-4af7-aee7-bbe10c45c028"
rnd = random.Random(42)
cities = ["Atlanta", "Chicago", "Miami", "Seattle", "Boston", "Denver"]
value = []
for i in range(rows):
    cid = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
    value.append({
        "@odata.etag": 'W/"JzE5OzgzMTM5MjY4MTQ1NzY2MDMzNDIxOzAwOyc="',
        "id": cid, "number": str(10000 + i * 10), "displayName": f"Customer {i:05d} Inc.",
        "type": "Company", "addressLine1": f"{100 + i} Main Street", "addressLine2": "",
        "city": rnd.choice(cities), "state": "GA", "country": "US", "postalCode": "31772",
        "phoneNumber": "+1 425 555 0100", "email": f"customer{i}@contoso.com", "website": "",
        "salespersonCode": "PS", "balanceDue": round(rnd.uniform(0, 50000), 2), "creditLimit": 0,
        "taxLiable": True, "taxAreaId": "00000000-0000-0000-0000-000000000000", "taxAreaDisplayName": "",
        "taxRegistrationNumber": "", "currencyId": "00000000-0000-0000-0000-000000000000", "currencyCode": "USD",
        "paymentTermsId": "7a2b1c3d-0000-0000-0000-000000000001", "shipmentMethodId": "00000000-0000-0000-0000-000000000000",
        "paymentMethodId": "00000000-0000-0000-0000-000000000000", "blocked": "_x0020_",
        "lastModifiedDateTime": "2026-11-27T10:15:30.123Z",
    })
ctx = f"{base}/api/v2.0/$metadata#companies({company})/customers"
page = {"@odata.context": ctx, "value": value}
with open(f"{out_dir}/customers.json", "w") as f:
    json.dump(page, f, separators=(",", ":"))
paged = {"@odata.context": ctx, "value": value,
         "@odata.nextLink": f"{base}/api/v2.0/companies({company})/customers?aid=FIN&$skiptoken={value[-1]['id']}"}
with open(f"{out_dir}/customers-paged.json", "w") as f:
    json.dump(paged, f, separators=(",", ":"))
