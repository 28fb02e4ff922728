"""Fill home's Persian catalogue from the table below (run after makemessages)."""

import sys
from pathlib import Path

import polib

FA = {
    "ID card image": "تصویر کارت ملی",
    "Open the ID card image": "باز کردن تصویر کارت ملی",
    "Identity checked: national code matches the ID card": "هویت بررسی شد: کد ملی با کارت ملی می‌خواند",
    "Identity rejected": "هویت رد شد",
    "Expert home and trust": "پیشخوان و اعتماد",
    "JPEG, PNG or WebP, at most 5 MB and 4000×4000 pixels.": "JPEG، PNG یا WebP، حداکثر ۵ مگابایت و ۴۰۰۰×۴۰۰۰ پیکسل.",
    "Mobile number": "شمارهٔ موبایل",
    "We text you a 6-digit code.": "یک کد ۶ رقمی برایتان پیامک می‌کنیم.",
    "Code": "کد",
    "The code has 6 digits.": "کد ۶ رقم دارد.",
    "Photo": "عکس",
    "National code": "کد ملی",
    "Image of your national ID card": "تصویر کارت ملی شما",
    "Seen only by Azmoodegan staff, to check your national code. JPEG, PNG or WebP, at most 5 MB.":
        "فقط کارکنان آزمودگان برای بررسی کد ملی‌تان آن را می‌بینند. JPEG، PNG یا WebP، حداکثر ۵ مگابایت.",
    "Education and certificates": "تحصیلات و گواهی‌نامه‌ها",
    "For example: LL.M., University of Tehran; bar licence no. 12345":
        "برای نمونه: کارشناسی ارشد حقوق، دانشگاه تهران؛ پروانهٔ وکالت شمارهٔ ۱۲۳۴۵",
    "Image": "تصویر",
    "Title": "عنوان",
    "Description": "توضیح",
    "Related service (optional)": "خدمت مرتبط (اختیاری)",
    "Enter a date such as ۱۴۰۵/۰۹/۲۰.": "تاریخی مانند ۱۴۰۵/۰۹/۲۰ وارد کنید.",
    "First day": "روز نخست",
    "Last day": "روز آخر",
    "Message to buyers": "پیام به خریداران",
    "For example: Back on 1 Dey; questions answered after that.":
        "برای نمونه: از یکم دی برمی‌گردم و پس از آن به پرسش‌ها پاسخ می‌دهم.",
    "Not submitted": "ارسال نشده",
    "Waiting for staff check": "در انتظار بررسی کارکنان",
    "Verified": "تأییدشده",
    "Rejected": "ردشده",
    "user": "کاربر",
    "verified mobile number": "شمارهٔ موبایل تأییدشده",
    "mobile verified at": "زمان تأیید موبایل",
    "photo": "عکس",
    "photo thumbnail": "عکس کوچک",
    "education and certificates": "تحصیلات و گواهی‌نامه‌ها",
    "national code": "کد ملی",
    "identity": "هویت",
    "identity checked at": "زمان بررسی هویت",
    "note to the user": "یادداشت برای کاربر",
    "vacation from": "مرخصی از",
    "vacation until": "مرخصی تا",
    "vacation message": "پیام مرخصی",
    "trust profile": "پروندهٔ اعتماد",
    "trust profiles": "پرونده‌های اعتماد",
    "owner": "مالک",
    "title": "عنوان",
    "description": "توضیح",
    "image": "تصویر",
    "related service": "خدمت مرتبط",
    "created at": "زمان ایجاد",
    "portfolio item": "نمونه‌کار",
    "portfolio items": "نمونه‌کارها",
    "service": "خدمت",
    "saved at": "زمان ذخیره",
    "saved service": "خدمت ذخیره‌شده",
    "saved services": "خدمات ذخیره‌شده",
    "position": "جایگاه",
    "featured service": "خدمت برگزیده",
    "featured services": "خدمات برگزیده",
    "expert": "متخصص",
    "day": "روز",
    "page views": "بازدید صفحه",
    "clicks to order": "کلیک برای سفارش",
    "service day": "آمار روزانهٔ خدمت",
    "service days": "آمار روزانهٔ خدمات",
    "Verified mobile number": "شمارهٔ موبایل تأییدشده",
    "Verified identity": "هویت تأییدشده",
    "Remove from saved": "حذف از ذخیره‌شده‌ها",
    "Save": "ذخیره",
    "Find the right expert, pay safely": "متخصص مناسب را پیدا کنید، با خیال آسوده پرداخت کنید",
    "Lawyers, designers, translators and more: compare by price, delivery time and reviews.":
        "وکیل، طراح، مترجم و بسیاری دیگر: بر پایهٔ قیمت، زمان تحویل و نظر خریداران مقایسه کنید.",
    "Search services": "جست‌وجوی خدمات",
    "e.g. logo design, contract review": "مثلاً طراحی لوگو، بررسی قرارداد",
    "Search": "جست‌وجو",
    "Completed orders": "سفارش تکمیل‌شده",
    "Held safely now": "امانت نزد آزمودگان",
    "Experts": "متخصص",
    "Popular fields": "زمینه‌های پرطرفدار",
    "All categories": "همهٔ دسته‌ها",
    "%(n)s service": ("%(n)s خدمت",),
    "Picked for you": "برگزیده برای شما",
    "Top-rated experts": "متخصصان برتر",
    "%(n)s review": ("%(n)s نظر",),
    "How Azmoodegan works": "آزمودگان چطور کار می‌کند",
    "Find and compare": "پیدا کنید و مقایسه کنید",
    "Price, delivery time and reviews side by side.": "قیمت، زمان تحویل و نظرها کنار هم.",
    "Pay safely": "امن پرداخت کنید",
    "Your money stays with Azmoodegan until you confirm the work.":
        "پولتان تا وقتی کار را تأیید کنید نزد آزمودگان می‌ماند.",
    "Confirm and review": "تأیید کنید و نظر بدهید",
    "You confirm the delivery; then the expert is paid.": "شما تحویل را تأیید می‌کنید؛ سپس مبلغ به متخصص پرداخت می‌شود.",
    "Are you an expert?": "متخصص هستید؟",
    "Earn from your knowledge and skill: offer your services in a safe, transparent place.":
        "از دانش و مهارتتان درآمد کسب کنید: خدماتتان را در فضایی امن و شفاف عرضه کنید.",
    "Become an expert": "متخصص شوید",
    "Dashboard": "پیشخوان",
    "Portfolio": "نمونه‌کارها",
    "Saved": "ذخیره‌شده‌ها",
    "Mobile, photo and identity": "موبایل، عکس و هویت",
    "Site figures": "آمار سایت",
    "Pages": "صفحه‌ها",
    "Previous": "قبلی",
    "Next": "بعدی",
    "Saved by buyers": "ذخیره‌شده توسط خریداران",
    "Earnings this month": "درآمد این ماه",
    "Last 12 months": "۱۲ ماه گذشته",
    "Due within two days": "موعد تا دو روز آینده",
    "%(n)s late": "%(n)s سفارش دیرکرد",
    "Earnings per month": "درآمد ماهانه",
    "What reached your balance after the commission, per month.": "آنچه پس از کسر کارمزد به موجودی‌تان رسیده، به تفکیک ماه.",
    "Orders by state": "سفارش‌ها بر پایهٔ وضعیت",
    "Last 30 days": "۳۰ روز گذشته",
    "Service page views": "بازدید صفحهٔ خدمات",
    "Clicks to order": "کلیک روی «سفارش»",
    "Orders": "سفارش‌ها",
    "Conversion (orders per view)": "نرخ تبدیل (سفارش به بازدید)",
    "Response time": "زمان پاسخ",
    "about %(h)s hours": "حدود %(h)s ساعت",
    "On time": "تحویل به‌موقع",
    "Rating": "امتیاز",
    "No reviews yet": "هنوز نظری ثبت نشده",
    "Level:": "سطح:",
    "Page views are counted every few minutes.": "بازدیدها هر چند دقیقه یک بار شمرده می‌شوند.",
    "Vacation mode": "حالت مرخصی",
    "Sign in with a code": "ورود با کد پیامکی",
    "If your mobile number is verified on your account, we text you a code instead of asking for your password.":
        "اگر شمارهٔ موبایلتان در حسابتان تأیید شده باشد، به‌جای گذرواژه کدی برایتان پیامک می‌کنیم.",
    "Send the code again": "ارسال دوبارهٔ کد",
    "Send a code": "ارسال کد",
    "Sign in": "ورود",
    "Sign in with email and password": "ورود با ایمیل و گذرواژه",
    "%(n)s of %(m)s items. Show buyers work you are proud of.":
        "%(n)s از %(m)s نمونه. کارهایی را که به آن‌ها افتخار می‌کنید به خریداران نشان دهید.",
    "See your public profile": "دیدن نمایهٔ عمومی‌تان",
    "Edit": "ویرایش",
    "Remove": "حذف",
    "No items yet.": "هنوز نمونه‌کاری ندارید.",
    "Add an item": "افزودن نمونه‌کار",
    "Your portfolio is full; remove an item to add another.": "نمونه‌کارهایتان کامل است؛ برای افزودن، یکی را حذف کنید.",
    "Add": "افزودن",
    "Edit portfolio item": "ویرایش نمونه‌کار",
    "Back": "بازگشت",
    "Service: %(t)s": "خدمت: %(t)s",
    "Back to the expert's profile": "بازگشت به نمایهٔ متخصص",
    "Saved services": "خدمات ذخیره‌شده",
    "You have not saved any service yet. Tap the heart on a service to keep it here.":
        "هنوز خدمتی ذخیره نکرده‌اید. روی نشان قلبِ هر خدمت بزنید تا این‌جا نگه داشته شود.",
    "Find a service": "پیدا کردن خدمت",
    "Buyers trust a verified mobile number, a real face and a checked identity.":
        "خریداران به شمارهٔ موبایل تأییدشده، چهرهٔ واقعی و هویت بررسی‌شده اعتماد می‌کنند.",
    "Change the number": "تغییر شماره",
    "Enter the code we texted to %(m)s. It is valid for two minutes.":
        "کدی را که به %(m)s پیامک کردیم وارد کنید. این کد دو دقیقه اعتبار دارد.",
    "Verify": "تأیید",
    "You can now sign in with a code texted to this number.": "اکنون می‌توانید با کدی که به این شماره پیامک می‌شود وارد شوید.",
    "A clear photo of your face. We crop it to a square.": "عکسی روشن از چهره‌تان. آن را مربعی برش می‌دهیم.",
    "Save photo": "ذخیرهٔ عکس",
    "Identity": "هویت",
    "Status:": "وضعیت:",
    "Send for checking": "ارسال برای بررسی",
    "Skills and languages are on your expert profile.": "مهارت‌ها و زبان‌ها در نمایهٔ متخصصی‌تان است.",
    "Edit expert profile": "ویرایش نمایهٔ متخصص",
    "You are on vacation until %(until)s. Your services are visible but cannot be ordered.":
        "تا %(until)s در مرخصی هستید. خدماتتان دیده می‌شوند اما سفارش‌پذیر نیستند.",
    "While you are away, buyers see your services but cannot order them, and messages do not count against your response time. It ends by itself after the last day.":
        "در مدت مرخصی، خریداران خدماتتان را می‌بینند اما نمی‌توانند سفارش دهند و پیام‌ها در زمان پاسخ شما حساب نمی‌شوند. مرخصی پس از روز آخر خودبه‌خود پایان می‌یابد.",
    "Set vacation": "ثبت مرخصی",
    "End vacation now": "پایان مرخصی از همین حالا",
    "The last %(n)s days.": "%(n)s روز گذشته.",
    "Gross merchandise value": "ارزش ناخالص سفارش‌ها",
    "Commission": "کارمزد",
    "Open disputes": "اختلاف‌های باز",
    "Payouts pending": "تسویه‌های در انتظار",
    "Orders per day": "سفارش در روز",
    "Gross merchandise value per day": "ارزش ناخالص سفارش‌ها در روز",
    "Commission per day": "کارمزد در روز",
    "The last day must be on or after the first day.": "روز آخر باید همان روز نخست یا پس از آن باشد.",
    "The last day has already passed; choose a day from today on.": "روز آخر گذشته است؛ روزی از امروز به بعد انتخاب کنید.",
    "The first day has already passed; choose a day from today on.": "روز نخست گذشته است؛ روزی از امروز به بعد انتخاب کنید.",
    "A vacation can last at most 90 days.": "مرخصی حداکثر ۹۰ روز است.",
    "A code was just sent. You can ask for a new one in %(s)s seconds.":
        "کدی همین حالا فرستاده شد. %(s)s ثانیهٔ دیگر می‌توانید کد تازه بخواهید.",
    "Too many codes were asked for. Please try again in an hour.": "کد بیش از اندازه درخواست شده است. لطفاً یک ساعت دیگر دوباره تلاش کنید.",
    "No code was sent to this number. Please ask for a code first.": "کدی به این شماره فرستاده نشده است. لطفاً نخست درخواست کد کنید.",
    "This code has expired. Please ask for a new code.": "این کد منقضی شده است. لطفاً کد تازه‌ای بخواهید.",
    "Too many wrong tries. Please ask for a new code.": "تعداد تلاش‌های نادرست بیش از اندازه است. لطفاً کد تازه‌ای بخواهید.",
    "The code is not right. %(n)s tries left.": "کد درست نیست. %(n)s بار دیگر می‌توانید تلاش کنید.",
    "This mobile number is already verified on another account.": "این شمارهٔ موبایل پیش‌تر در حساب دیگری تأیید شده است.",
    "We texted a 6-digit code to %(m)s.": "یک کد ۶ رقمی به %(m)s پیامک کردیم.",
    "Your mobile number is verified.": "شمارهٔ موبایلتان تأیید شد.",
    "No account has this verified mobile number.": "هیچ حسابی این شمارهٔ موبایل تأییدشده را ندارد.",
    "No account has this verified mobile number. Sign in with your email and password, then verify your mobile in your account.":
        "هیچ حسابی این شمارهٔ موبایل تأییدشده را ندارد. با ایمیل و گذرواژه وارد شوید و سپس موبایلتان را در حسابتان تأیید کنید.",
    "You are signed in.": "وارد شدید.",
    "Your photo was saved.": "عکستان ذخیره شد.",
    "Thank you. Staff will check your ID card soon.": "سپاس‌گزاریم. کارکنان به‌زودی کارت ملی‌تان را بررسی می‌کنند.",
    "Saved.": "ذخیره شد.",
    "Welcome back! Your services can be ordered again.": "خوش برگشتید! خدماتتان دوباره سفارش‌پذیر است.",
    "Vacation mode is set.": "حالت مرخصی ثبت شد.",
    "A portfolio holds at most %(n)s items; remove one to add another.":
        "نمونه‌کارها حداکثر %(n)s مورد است؛ برای افزودن، یکی را حذف کنید.",
    "Added to your portfolio.": "به نمونه‌کارهایتان افزوده شد.",
    "Removed from your portfolio.": "از نمونه‌کارهایتان حذف شد.",
    "Removed from your saved services.": "از ذخیره‌شده‌هایتان حذف شد.",
    "On vacation": "در مرخصی",
    "Disputes opened per day": "اختلاف‌های بازشده در روز",
    "Payouts requested per day": "درخواست‌های تسویه در روز",
    "Your account uses two-step sign-in: please sign in with your email and password.":
        "حساب شما ورود دومرحله‌ای دارد: لطفاً با ایمیل و گذرواژه وارد شوید.",
    "Sign in with a code texted to your mobile": "ورود با کدی که به موبایلتان پیامک می‌شود",
    "This expert is away until %(until)s; ordering is closed until then.":
        "این متخصص تا %(until)s در مرخصی است و تا آن زمان سفارش پذیرفته نمی‌شود.",
    "This expert is on vacation; ordering is closed until they are back.":
        "این متخصص در مرخصی است؛ تا بازگشت ایشان سفارش پذیرفته نمی‌شود.",
}


def main(path: str) -> int:
    po = polib.pofile(path)
    missing = []
    for entry in po:
        value = FA.get(entry.msgid)
        if value is None:
            missing.append(entry.msgid)
            continue
        if entry.msgid_plural:
            one = value[0] if isinstance(value, tuple) else value
            entry.msgstr_plural = {0: one, 1: one}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save(path)
    for m in missing:
        print("MISSING:", m)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).parent / "fa/LC_MESSAGES/django.po")))
