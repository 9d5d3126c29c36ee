// The customer app's own screens in Arabic (العربية), written right to left.

import type { AppCatalogue } from './app-en';

const ar: AppCatalogue = {
  'app.tagline': 'تحدّث مع الفرق التي تقف وراء المواقع التي تستخدمها.',
  'app.account': 'الحساب',
  'app.logIn': 'تسجيل الدخول',
  'app.register': 'إنشاء حساب',
  'app.username': 'اسم المستخدم',
  'app.usernameHint': 'من 3 إلى 30 حرفًا أو رقمًا أو _',
  'app.email': 'البريد الإلكتروني',
  'app.password': 'كلمة المرور',
  'app.passwordHint': '8 أحرف على الأقل',
  'app.createAccount': 'إنشاء الحساب',
  'app.conversations': 'محادثاتك',
  'app.noConversation': 'لا توجد محادثات بعد. ابحث عن جهة في الأعلى لبدء محادثة.',
  'app.endedPrefix': '(منتهية) ',
  'app.find': 'ابحث عن جهة',
  'app.searchLabel': 'ابحث عن الجهات بالاسم أو النطاق',
  'app.searchPlaceholder': 'الاسم أو النطاق',
  'app.noMatch': 'لا توجد جهة مطابقة.',
  'app.signedInAs': 'مسجّل الدخول باسم {name}',
  'app.logOut': 'تسجيل الخروج',
  'app.sidebar': 'الجهات والمحادثات',
  'app.conversation': 'المحادثة',
  'app.backToList': 'العودة إلى المحادثات',
  'app.welcome': 'مرحبًا، {name}',
  'app.welcomeText': 'ابحث في الدليل عن جهة للتحدث معها، أو افتح إحدى محادثاتك.',
  'app.resumeLogIn': 'سجّل الدخول لفتح المحادثة من بريدك الإلكتروني.',
};

export default ar;
