# ruff: noqa: E501 -- the taxonomy is a data table, one product type per line
"""Product types of the generated catalogue: five categories, many types each.

One line per type: ``query | title noun | breadcrumb below the category root | attributes |
options (name=pool) | price range | title descriptors | audiences``. Types deliberately share words
across and within categories (hair extensions / hair brush / hair clips; running shoes / shoe rack;
coffee beans / coffee table / coffee maker; phone case / phone charger), so that a search returns
distractors and the agent has to read.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

CATEGORY_ROOTS: dict[str, str] = {
    "beauty": "Beauty & Personal Care",
    "electronics": "Electronics",
    "fashion": "Clothing, Shoes & Jewelry",
    "grocery": "Grocery & Gourmet Food",
    "garden": "Home & Kitchen",
}

_TYPES: dict[str, str] = {
    "beauty": """
hair extensions | Clip in Hair Extensions | Hair Care › Hair Extensions, Wigs & Accessories › Extensions | natural looking, heat resistant, human hair, long lasting, easy to apply, tangle free, double weft, thick | color=hair_color, size=hair_length | 14-89 | Straight, Wavy, Curly, Seamless, Full Head | for Women, for Girls
hair brush | Detangling Hair Brush | Hair Care › Styling Tools & Appliances › Hair Brushes | boar bristle, wet and dry hair, gentle on scalp, anti static, travel size, easy to clean | color=device_color | 6-29 | Paddle, Round, Oval, Vented | for Women, for Men, for Kids
hair clips | Claw Hair Clips | Hair Care › Hair Accessories › Clips | non slip, strong hold, thick hair, matte finish, lightweight, durable | color=apparel_color, size=count | 5-19 | Large, Jumbo, Mini, Acrylic | for Women, for Girls
shampoo | Moisturizing Shampoo | Hair Care › Shampoo & Conditioner › Shampoos | sulfate free, paraben free, color safe, tea tree, argan oil, natural ingredients, dry scalp, cruelty free | scent=scent, size=volume | 7-39 | Daily, Clarifying, Volumizing, Repair | for Women, for Men
conditioner | Deep Conditioner | Hair Care › Shampoo & Conditioner › Conditioners | sulfate free, paraben free, argan oil, coconut oil, damaged hair, curly hair, leave in | scent=scent, size=volume | 8-34 | Hydrating, Repair, Smoothing | for Women, for Men
face moisturizer | Face Moisturizer Cream | Skin Care › Face › Creams & Moisturizers | hyaluronic acid, fragrance free, sensitive skin, oil free, spf 30, anti aging, non comedogenic, dry skin | size=volume | 9-59 | Daily, Night, Gel, Whipped | for Women, for Men
face serum | Vitamin C Face Serum | Skin Care › Face › Serums | vitamin c, hyaluronic acid, anti aging, dark spots, cruelty free, fine lines, brightening | size=volume | 11-49 | Brightening, Firming, Repair | for Women, for Men
sunscreen | Mineral Sunscreen Lotion | Skin Care › Sun › Sunscreens | spf 50, water resistant, reef safe, zinc oxide, sensitive skin, broad spectrum, oil free | size=volume, item package quantity=count | 8-29 | Sport, Face, Kids | for Kids, for Women, for Men
lipstick | Matte Lipstick | Makeup › Lips › Lipstick | long lasting, waterproof, highly pigmented, moisturizing, cruelty free, smudge proof | color=lip_color | 6-28 | Liquid, Velvet, Satin | for Women
foundation | Liquid Foundation | Makeup › Face › Foundation | full coverage, oil free, long lasting, matte finish, lightweight, sensitive skin | color=shade, size=volume | 9-45 | Natural, Flawless, Dewy | for Women
eyeshadow palette | Eyeshadow Palette | Makeup › Eyes › Eyeshadow | highly pigmented, long lasting, blendable, shimmer, matte finish, cruelty free | size=count | 8-39 | Nude, Smoky, Glitter, Warm | for Women
nail polish | Gel Nail Polish | Foot, Hand & Nail Care › Nail Polish | long lasting, quick dry, chip resistant, non toxic, high gloss, easy to apply | color=lip_color, size=count | 5-24 | Gel, Glossy, Neon | for Women, for Girls
body wash | Body Wash | Bath & Body › Cleansers › Body Washes | natural ingredients, sensitive skin, paraben free, moisturizing, dry skin, essential oils | scent=scent, size=volume | 6-24 | Foaming, Shea Butter, Oatmeal | for Women, for Men
essential oil | Essential Oil | Fragrance › Aromatherapy › Essential Oils | 100 pure, therapeutic grade, aromatherapy, natural ingredients, diffuser, glass bottle | scent=scent, size=volume | 7-32 | Organic, Pure, Premium | for Home
perfume | Eau de Parfum Spray | Fragrance › Women's › Eau de Parfum | long lasting, floral scent, travel size, gift set, fresh scent | scent=scent, size=volume | 19-120 | Floral, Woody, Classic | for Women, for Men
makeup brush set | Makeup Brush Set | Tools & Accessories › Makeup Brushes & Tools › Brush Sets | synthetic bristles, cruelty free, soft bristles, travel case, easy to clean, dense | color=device_color, size=count | 9-39 | Professional, Kabuki, Travel | for Women
eyelashes | False Eyelashes | Makeup › Eyes › False Eyelashes | natural looking, reusable, lightweight, easy to apply, mink, wispy | size=count | 5-22 | Fluffy, Natural, Cat Eye | for Women
electric toothbrush | Electric Toothbrush | Oral Care › Toothbrushes › Electric | rechargeable, sensitive teeth, travel case, 2 minute timer, waterproof, extra brush heads | color=device_color | 19-99 | Sonic, Rotating, Whitening | for Adults, for Kids
hair dryer | Ionic Hair Dryer | Hair Care › Styling Tools & Appliances › Hair Dryers | ionic, fast drying, low noise, diffuser, lightweight, heat settings, travel size | color=device_color | 19-89 | Professional, Compact, Foldable | for Women
beard oil | Beard Oil | Shaving & Hair Removal › Men's › Beard Care › Oils | natural ingredients, argan oil, softening, non greasy, jojoba oil, cruelty free | scent=scent, size=volume | 7-29 | Conditioning, Organic, Leave in | for Men
deodorant | Natural Deodorant | Personal Care › Deodorants & Antiperspirants | aluminum free, paraben free, long lasting, sensitive skin, baking soda free, vegan | scent=scent, size=count | 6-22 | Natural, Clinical, Stick | for Women, for Men
""",
    "electronics": """
wireless earbuds | Wireless Earbuds | Headphones, Earbuds & Accessories › Earbuds | noise cancelling, bluetooth 5.3, long battery life, waterproof, charging case, built in microphone, touch control | color=device_color | 19-159 | True Wireless, Sport, Mini | for iPhone and Android
headphones | Over Ear Headphones | Headphones, Earbuds & Accessories › Headphones › Over-Ear | noise cancelling, bluetooth, foldable, long battery life, built in microphone, memory foam, hi fi sound | color=device_color | 25-299 | Wireless, Studio, Gaming | for Travel, for Work
bluetooth speaker | Portable Bluetooth Speaker | Portable Audio & Video › Portable Speakers & Docks › Portable Bluetooth Speakers | waterproof, long battery life, stereo sound, deep bass, built in microphone, dustproof | color=device_color | 19-149 | Outdoor, Mini, Party | for Home, for Outdoor
phone case | Phone Case | Cell Phones & Accessories › Cases, Holsters & Sleeves › Basic Cases | shockproof, slim fit, wireless charging compatible, raised edges, clear, drop protection | color=device_color, style=phone_model | 7-29 | Slim, Rugged, Clear, Magnetic | for iPhone, for Samsung
phone charger | Fast Phone Charger | Cell Phones & Accessories › Chargers & Power Adapters › Wall Chargers | fast charging, usb c, compact, dual port, overheat protection, foldable plug | color=device_color, size=count | 9-39 | 20W, 65W, Dual Port | for iPhone, for Samsung
usb c cable | USB C Cable | Computers & Accessories › Cables & Accessories › USB Cables | fast charging, braided, durable, data transfer, tangle free | color=device_color, size=cable_length | 6-24 | Braided, Right Angle, Long | for Android, for Laptop
hdmi cable | HDMI Cable | Television & Video › Accessories › Cables › HDMI Cables | 4k, high speed, gold plated, braided, ethernet, 8k | size=cable_length, style=count | 6-29 | Ultra, Premium, Slim | for TV, for Gaming
power bank | Portable Power Bank | Cell Phones & Accessories › Chargers & Power Adapters › Portable Power Banks | fast charging, usb c, high capacity, led display, compact, airline approved | color=device_color | 15-69 | 10000mAh, 20000mAh, Slim | for iPhone, for Android
smart watch | Smart Watch | Wearable Technology › Smartwatches | heart rate monitor, sleep tracking, waterproof, gps, long battery life, bluetooth calling | color=device_color, size=band_size | 29-249 | Fitness, Sport, Classic | for Women, for Men
watch band | Watch Band | Wearable Technology › Accessories › Bands | stainless steel, silicone, quick release, adjustable, breathable, leather | color=device_color, size=band_size | 6-29 | Sport, Milanese, Leather | for Apple Watch, for Galaxy Watch
memory card | Micro SD Memory Card | Computers & Accessories › Memory Cards › Micro SD Cards | high speed, 4k video, with adapter, waterproof, class 10 | size=storage, style=count | 7-79 | Extreme, Ultra, Pro | for Camera, for Nintendo Switch
external hard drive | Portable External Hard Drive | Computers & Accessories › Data Storage › External Hard Drives | usb 3.0, plug and play, shockproof, slim, high capacity, password protection | color=device_color, size=storage | 45-199 | Portable, Rugged, Slim | for PC, for Mac
wireless mouse | Wireless Mouse | Computers & Accessories › Keyboards, Mice & Accessories › Mice | ergonomic, silent click, rechargeable, usb receiver, bluetooth, adjustable dpi | color=device_color | 8-49 | Ergonomic, Slim, Vertical | for Laptop, for PC
keyboard | Mechanical Keyboard | Computers & Accessories › Keyboards, Mice & Accessories › Keyboards | rgb backlit, wireless, quiet keys, full size, compact, hot swappable | color=device_color | 25-149 | Gaming, Compact, Low Profile | for PC, for Mac
laptop stand | Laptop Stand | Computers & Accessories › Laptop Accessories › Stands | adjustable height, aluminum, foldable, ventilated, portable, non slip | color=device_color | 15-59 | Adjustable, Portable, Ergonomic | for Desk
monitor | Computer Monitor | Computers & Accessories › Monitors | full hd, ips panel, 144hz, eye care, hdmi, ultra thin bezel, 4k | size=screen_size | 99-499 | Gaming, Curved, Office | for Home Office
tv mount | TV Wall Mount | Television & Video › Accessories › TV Mounts | full motion, tilt, heavy duty, easy install, swivel, cable management | size=screen_size | 19-89 | Full Motion, Tilting, Fixed | for 32-75 inch TVs
security camera | Security Camera | Security & Surveillance › Surveillance Cameras | night vision, motion detection, two way audio, wifi, 1080p, weatherproof, cloud storage | color=device_color, size=count | 25-159 | Outdoor, Indoor, Wireless | for Home
streaming device | Streaming Media Player | Television & Video › Streaming Media Players | 4k, hdr, voice remote, wifi, dolby vision | style=style_bundle | 29-129 | 4K, HD, Stick | for TV
car charger | Car Phone Charger | Cell Phones & Accessories › Chargers & Power Adapters › Car Chargers | fast charging, dual port, usb c, compact, metal | color=device_color, size=count | 8-29 | Dual Port, Mini | for iPhone, for Android
webcam | HD Webcam | Computers & Accessories › Computer Accessories › Webcams | 1080p, built in microphone, auto focus, privacy cover, wide angle, plug and play | color=device_color | 19-99 | Streaming, Office, 4K | for PC, for Zoom
""",
    "fashion": """
running shoes | Running Shoes | Men's › Shoes › Athletic › Running | lightweight, breathable, non slip, arch support, memory foam, rubber sole, cushioned | color=shoe_color, size=shoe_size | 29-139 | Athletic, Trail, Road | for Men, for Women
sneakers | Casual Sneakers | Women's › Shoes › Fashion Sneakers | slip on, breathable, lightweight, memory foam, rubber sole, canvas | color=shoe_color, size=shoe_size | 24-99 | Low Top, High Top, Platform | for Women, for Men
sandals | Flat Sandals | Women's › Shoes › Sandals › Flats | arch support, adjustable strap, non slip, open toe, comfortable, rubber sole | color=shoe_color, size=shoe_size | 15-69 | Slide, Strappy, Flip Flop | for Women, for Men
boots | Ankle Boots | Women's › Shoes › Boots › Ankle & Bootie | waterproof, faux leather, side zipper, block heel, non slip, warm lining | color=shoe_color, size=shoe_size | 35-149 | Chelsea, Combat, Western | for Women, for Men
t-shirt | Cotton T-Shirt | Men's › Clothing › Shirts › T-Shirts | short sleeve, crew neck, cotton, moisture wicking, machine wash, relaxed fit, v neck | color=apparel_color, size=apparel_size | 9-34 | Classic, Graphic, Athletic | for Men, for Women
hoodie | Pullover Hoodie | Men's › Clothing › Fashion Hoodies & Sweatshirts | fleece lined, long sleeve, kangaroo pocket, machine wash, drawstring, relaxed fit | color=apparel_color, size=apparel_size | 19-69 | Heavyweight, Zip Up, Oversized | for Men, for Women
jeans | Slim Fit Jeans | Women's › Clothing › Jeans | high waist, stretch, button closure, machine wash, slim fit, distressed | color=apparel_color, size=apparel_size | 24-89 | Skinny, Straight Leg, Bootcut | for Women, for Men
leggings | High Waist Leggings | Women's › Clothing › Active › Leggings | high waist, tummy control, squat proof, moisture wicking, pockets, butt lift | color=apparel_color, size=apparel_size | 12-44 | Yoga, Workout, Capri | for Women
dress | Summer Dress | Women's › Clothing › Dresses › Casual | short sleeve, floral print, v neck, pockets, flowy, midi length | color=apparel_color, size=apparel_size | 19-69 | Maxi, Wrap, Swing | for Women
jacket | Rain Jacket | Men's › Clothing › Jackets & Coats › Rain Jackets | waterproof, hooded, packable, lightweight, windproof, zip pockets | color=apparel_color, size=apparel_size | 29-119 | Outdoor, Hiking, Softshell | for Men, for Women
socks | Athletic Socks | Men's › Clothing › Socks › Athletic | moisture wicking, cushioned, breathable, arch support, no show | color=apparel_color, size=count | 9-29 | Ankle, Crew, Compression | for Men, for Women
pajama set | Pajama Set | Women's › Clothing › Lingerie, Sleep & Lounge › Sleep & Lounge › Sets | soft, long sleeve, button down, elastic waist, machine wash, short sleeve | color=apparel_color, size=apparel_size | 19-49 | Satin, Cotton, Flannel | for Women, for Men
swimsuit | One Piece Swimsuit | Women's › Clothing › Swimsuits & Cover Ups › One-Pieces | tummy control, padded, quick dry, adjustable straps, high waist | color=apparel_color, size=apparel_size | 19-59 | Ruched, Athletic, Cutout | for Women
baseball cap | Baseball Cap | Men's › Accessories › Hats & Caps › Baseball Caps | adjustable, cotton, breathable, embroidered, unisex | color=apparel_color | 9-29 | Classic, Trucker, Dad Hat | for Men, for Women
backpack | Travel Backpack | Luggage & Travel Gear › Backpacks › Casual Daypacks | water resistant, laptop compartment, usb charging port, lightweight, anti theft | color=apparel_color | 24-89 | Travel, College, Hiking | for Men, for Women
wallet | Leather Wallet | Men's › Accessories › Wallets, Card Cases & Money Organizers › Wallets | genuine leather, rfid blocking, slim, bifold, card holder | color=shoe_color | 12-49 | Bifold, Minimalist, Trifold | for Men, for Women
necklace | Pendant Necklace | Women's › Jewelry › Necklaces › Pendants | sterling silver, hypoallergenic, gift box, adjustable chain, cubic zirconia, 14k gold plated | color=jewelry_color | 12-79 | Heart, Layered, Dainty | for Women, for Girls
earrings | Hoop Earrings | Women's › Jewelry › Earrings › Hoop | hypoallergenic, sterling silver, lightweight, 14k gold plated, nickel free | color=jewelry_color, size=count | 9-49 | Chunky, Huggie, Small | for Women, for Girls
sunglasses | Polarized Sunglasses | Men's › Accessories › Sunglasses & Eyewear Accessories › Sunglasses | polarized, uv protection, lightweight, metal frame, unisex | color=device_color | 12-69 | Aviator, Square, Retro | for Men, for Women
belt | Leather Belt | Men's › Accessories › Belts | genuine leather, adjustable, ratchet, alloy buckle, casual | color=shoe_color, size=apparel_size | 12-39 | Dress, Casual, Reversible | for Men, for Women
""",
    "grocery": """
coffee beans | Whole Bean Coffee | Beverages › Coffee, Tea & Cocoa › Coffee › Whole Coffee Beans | organic, fair trade, single origin, low acid, arabica, gluten free | flavor=drink_flavor, size=weight | 9-34 | Organic, Espresso, Breakfast Blend | for Espresso, for Drip
coffee pods | Coffee Pods | Beverages › Coffee, Tea & Cocoa › Coffee › Single-Serve Capsules & Pods | compatible with keurig, arabica, recyclable, medium roast, kosher | flavor=drink_flavor, size=pod_count | 12-49 | K Cup, Variety Pack | for Keurig
green tea | Green Tea Bags | Beverages › Coffee, Tea & Cocoa › Tea › Green | organic, caffeine free, individually wrapped, non gmo, kosher, natural ingredients | flavor=drink_flavor, size=pod_count | 5-24 | Jasmine, Matcha, Decaf | for Iced Tea
potato chips | Kettle Cooked Potato Chips | Snack Foods › Chips & Crisps › Potato | gluten free, non gmo, kettle cooked, no artificial flavors, vegan | flavor=flavor, size=weight | 3-24 | Crunchy, Thick Cut, Wavy | for Snacking
protein bar | Protein Bars | Snack Foods › Bars › Protein | high protein, low sugar, gluten free, keto friendly, non gmo, plant based | flavor=sweet_flavor, size=count | 12-39 | Whey, Plant Based, Chewy | for Snacking
beef jerky | Beef Jerky | Meat & Seafood › Jerky & Dried Meats › Beef | high protein, low fat, gluten free, no added msg, grass fed, zero sugar | flavor=flavor, size=weight | 6-34 | Original, Teriyaki, Peppered | for Snacking
bacon | Smoked Bacon | Meat & Seafood › Pork › Bacon | gluten free, fully cooked, sugar free, keto friendly, hickory smoked, no nitrates | flavor=flavor, size=weight | 5-29 | Thick Cut, Peppered, Uncured | for Breakfast
pasta | Italian Pasta | Pantry Staples › Dried Beans, Grains & Rice › Pasta › Dried Pasta | gluten free, non gmo, whole wheat, organic, high protein | style=count, size=weight | 3-19 | Penne, Spaghetti, Fusilli | for Dinner
olive oil | Extra Virgin Olive Oil | Pantry Staples › Cooking & Baking › Oils, Vinegars & Salad Dressings › Oils › Olive | cold pressed, organic, non gmo, glass bottle, first cold pressed, kosher | size=volume | 8-39 | Italian, Greek, Spanish | for Cooking
honey | Raw Honey | Pantry Staples › Jams, Jellies & Sweet Spreads › Honey | raw, unfiltered, organic, non gmo, gluten free, kosher | size=weight | 7-29 | Wildflower, Clover, Manuka | for Tea
peanut butter | Peanut Butter | Pantry Staples › Jams, Jellies & Sweet Spreads › Nut & Seed Butters › Peanut | no sugar added, non gmo, gluten free, high protein, natural ingredients, keto friendly | flavor=sweet_flavor, size=weight | 4-19 | Creamy, Crunchy, Natural | for Baking
chocolate | Dark Chocolate Bar | Snack Foods › Candy & Chocolate › Chocolate Bars | dairy free, fair trade, organic, low sugar, vegan, individually wrapped | flavor=sweet_flavor, size=count | 4-29 | Dark, Milk, Sea Salt | for Gifts
gummy candy | Gummy Candy | Snack Foods › Candy & Chocolate › Gummy Candies | fat free, gluten free, natural flavors, individually wrapped, vegan | flavor=sweet_flavor, size=weight | 3-19 | Sour, Fruit, Bears | for Kids, for Parties
sparkling water | Sparkling Water | Beverages › Bottled Beverages, Water & Drink Mixes › Sparkling Water | zero calories, sugar free, natural flavors, caffeine free, non gmo | flavor=drink_flavor, size=count | 5-24 | Lime, Berry, Citrus | for Parties
energy drink | Energy Drink | Beverages › Energy Drinks | sugar free, zero calories, natural caffeine, vitamin b, non gmo | flavor=drink_flavor, size=count | 12-39 | Zero Sugar, Original | for Workouts
cereal | Breakfast Cereal | Breakfast Foods › Cereals › Cold Cereals | whole grain, high fiber, low sugar, gluten free, non gmo, organic | flavor=sweet_flavor, size=weight | 4-19 | Granola, Crunchy, Honey Oat | for Breakfast, for Kids
rice | Long Grain Rice | Pantry Staples › Dried Beans, Grains & Rice › Rice › White | non gmo, gluten free, organic, kosher, aged | size=weight | 4-29 | Basmati, Jasmine, Brown | for Dinner
spice | Ground Spice | Pantry Staples › Herbs, Spices & Seasonings › Single Herbs & Spices | organic, non gmo, kosher, no msg, salt free | flavor=flavor, size=weight | 4-19 | Smoked Paprika, Cumin, Turmeric | for Cooking
nuts | Roasted Mixed Nuts | Snack Foods › Nuts & Seeds › Mixed Nuts | unsalted, high protein, non gmo, kosher, gluten free, resealable bag | flavor=flavor, size=weight | 6-34 | Deluxe, Honey Roasted, Raw | for Snacking
hot sauce | Hot Sauce | Pantry Staples › Condiments & Salad Dressings › Hot Sauce | gluten free, vegan, no sugar added, small batch, keto friendly | flavor=flavor, size=volume | 4-19 | Habanero, Sriracha, Chipotle | for Tacos
""",
    "garden": """
coffee table | Coffee Table | Furniture › Living Room Furniture › Tables › Coffee Tables | solid wood, storage shelf, easy assembly, living room, rustic, lift top | color=furniture_color, size=furniture_size | 59-299 | Farmhouse, Modern, Round | for Living Room
shoe rack | Shoe Rack | Storage & Organization › Clothing & Closet Storage › Shoe Organizers › Free Standing Shoe Racks | space saving, metal, easy assembly, stackable, entryway, bamboo | color=furniture_color, size=furniture_size | 15-79 | Stackable, Narrow, Tall | for Entryway, for Closet
bookshelf | Bookshelf | Furniture › Home Office Furniture › Bookcases | easy assembly, solid wood, industrial, open shelves, space saving | color=furniture_color, size=furniture_size | 39-249 | Ladder, Industrial, Corner | for Living Room, for Home Office
ottoman bench | Storage Ottoman Bench | Furniture › Living Room Furniture › Ottomans | space saving, storage, faux leather, easy assembly, living room, foldable | color=furniture_color, size=furniture_size | 29-159 | Tufted, Round, Folding | for Living Room, for Bedroom
comforter set | Comforter Set | Bedding › Comforters & Sets › Comforter Sets | machine washable, all season, soft microfiber, hypoallergenic, pillow shams, lightweight | color=furniture_color, size=bed_size | 29-149 | Boho, Reversible, Quilted | for Bedroom
bed sheets | Bed Sheet Set | Bedding › Sheets & Pillowcases › Sheet & Pillowcase Sets | deep pocket, breathable, wrinkle free, cotton, machine washable, cooling | color=furniture_color, size=bed_size | 19-119 | Microfiber, Bamboo, Percale | for Bedroom
curtains | Blackout Curtains | Home Décor Products › Window Treatments › Curtains & Drapes › Panels | thermal insulated, blackout, grommet top, noise reducing, machine washable, room darkening | color=furniture_color, size=curtain_size | 15-69 | Velvet, Linen, Sheer | for Living Room, for Bedroom
area rug | Area Rug | Home Décor Products › Rugs, Pads & Protectors › Area Rugs | non slip, machine washable, low pile, stain resistant, shag, living room | color=furniture_color, size=rug_size | 29-299 | Boho, Vintage, Modern | for Living Room, for Bedroom
floor lamp | Floor Lamp | Lighting & Ceiling Fans › Lamps & Shades › Floor Lamps | dimmable, led, remote control, adjustable, modern, energy efficient | color=furniture_color | 29-149 | Arc, Tripod, Torchiere | for Living Room, for Reading
desk | Computer Desk | Furniture › Home Office Furniture › Home Office Desks | easy assembly, storage shelves, metal frame, space saving, keyboard tray, adjustable height | color=furniture_color, size=furniture_size | 59-349 | L Shaped, Standing, Writing | for Home Office
office chair | Ergonomic Office Chair | Furniture › Home Office Furniture › Home Office Chairs › Desk Chairs | lumbar support, adjustable height, mesh back, swivel, padded armrests, high back | color=furniture_color | 69-299 | Mesh, Executive, Task | for Home Office
dining chair | Dining Chairs | Furniture › Kitchen & Dining Room Furniture › Chairs | upholstered, solid wood, easy assembly, velvet, metal legs, mid century | color=furniture_color, size=set_count | 49-299 | Modern, Farmhouse, Tufted | for Dining Room
bar stool | Bar Stools | Furniture › Kitchen & Dining Room Furniture › Stools › Barstools | swivel, adjustable height, back rest, faux leather, footrest, counter height | color=furniture_color, size=set_count | 49-249 | Industrial, Swivel, Saddle | for Kitchen
tv stand | TV Stand | Furniture › Living Room Furniture › Television Stands & Entertainment Centers | storage shelves, cable management, easy assembly, led lights, solid wood | color=furniture_color, size=furniture_size | 69-299 | Farmhouse, Modern, Corner | for Living Room
nightstand | Nightstand | Furniture › Bedroom Furniture › Nightstands | drawer, charging station, easy assembly, solid wood, space saving | color=furniture_color, size=set_count | 29-149 | Mid Century, Floating, Rattan | for Bedroom
wall mirror | Wall Mirror | Home Décor Products › Mirrors › Wall-Mounted Mirrors | shatterproof, metal frame, full length, round, easy to hang | color=furniture_color, size=furniture_size | 29-199 | Arched, Round, Full Length | for Bathroom, for Living Room
throw pillow covers | Throw Pillow Covers | Home Décor Products › Decorative Pillows, Inserts & Covers › Throw Pillow Covers | hidden zipper, machine washable, soft, velvet, linen | color=furniture_color, size=pillow_size | 9-34 | Boho, Velvet, Farmhouse | for Couch, for Bedroom
bed frame | Platform Bed Frame | Furniture › Bedroom Furniture › Beds, Frames & Bases › Beds | no box spring needed, metal, easy assembly, under bed storage, noise free, headboard | color=furniture_color, size=bed_size | 99-399 | Upholstered, Metal, Wooden | for Bedroom
patio chair | Patio Chair | Patio, Lawn & Garden › Patio Furniture & Accessories › Patio Seating › Chairs | weather resistant, rattan, cushioned, foldable, rust proof | color=furniture_color, size=set_count | 49-299 | Wicker, Adirondack, Folding | for Patio, for Garden
storage cabinet | Storage Cabinet | Furniture › Kitchen & Dining Room Furniture › Storage Cabinets | adjustable shelves, doors, easy assembly, space saving, engineered wood | color=furniture_color, size=furniture_size | 59-249 | Tall, Bathroom, Pantry | for Kitchen, for Bathroom
""",
}


class ProductType(NamedTuple):
    """One kind of product in the generated catalogue."""

    category: str
    query: str
    noun: str
    product_category: str
    attributes: tuple[str, ...]
    options: tuple[tuple[str, str], ...]
    price: tuple[float, float]
    descriptors: tuple[str, ...]
    audiences: tuple[str, ...]


def _split(field: str) -> tuple[str, ...]:
    """Comma-separated cells of one field."""
    return tuple(x.strip() for x in field.split(",") if x.strip())


def _parse(category: str, line: str) -> ProductType:
    """One ``|``-separated taxonomy line."""
    query, noun, path, attrs, opts, price, descriptors, audiences = (f.strip() for f in line.split("|"))
    lo, hi = (float(x) for x in price.split("-"))
    options = tuple(tuple(o.split("=")) for o in _split(opts))
    return ProductType(
        category,
        query,
        noun,
        f"{CATEGORY_ROOTS[category]} › {path}",
        _split(attrs),
        options,
        (lo, hi),
        _split(descriptors),
        _split(audiences),
    )


@functools.cache
def product_types() -> tuple[ProductType, ...]:
    """Every product type, category by category, in file order."""
    return tuple(
        _parse(cat, line)
        for cat, block in _TYPES.items()
        for line in block.strip().splitlines()
        if line.strip()
    )
