run scenarios/ovs-churn.nls --set ifaces=2 --set rtnl.delay=10000
